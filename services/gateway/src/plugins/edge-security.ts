// Browser-facing hardening of a JSON API. Helmet's defaults (nosniff, HSTS, frame and referrer
// policies, cross-origin isolation headers) apply everywhere; the Content-Security-Policy of API
// responses is the OWASP REST one, `default-src 'none'; frame-ancestors 'none'`: a JSON document never
// needs to load anything, and must never be framed. Swagger UI under /docs replaces it with its own
// hash-based policy (see docs.ts). CORS is off unless origins are configured.
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export interface EdgeSecurityOptions {
  /** Allowed CORS origins; empty → no CORS headers, browsers on other origins cannot read responses. */
  corsOrigins: readonly string[];
}

export const edgeSecurityPlugin = fp(
  async (app: FastifyInstance, options: EdgeSecurityOptions) => {
    await app.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      },
    });
    if (options.corsOrigins.length === 0) return;
    await app.register(cors, {
      origin: [...options.corsOrigins],
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: [
        'authorization',
        'content-type',
        'idempotency-key',
        'if-none-match',
        'x-request-id',
        'traceparent',
      ],
      exposedHeaders: [
        'location',
        'etag',
        'retry-after',
        'ratelimit',
        'ratelimit-policy',
        'x-request-id',
        'idempotent-replayed',
        'allow',
      ],
      // Bearer tokens, not cookies: no credentials mode, so a wildcard-like mistake cannot leak sessions.
      credentials: false,
      maxAge: 600,
    });
  },
  { name: 'gateway-edge-security' },
);
