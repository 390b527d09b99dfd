// Per-caller rate limiting at the edge (ADR 0020). One fixed-window counter per caller in the kv store
// (Redis in production): the verified user id when the request carries a valid access token, the
// client address otherwise — and always the address on anonymous routes (login, registration,
// refresh), so that a token does not buy a second budget for them. Every limited response carries the IETF RateLimit-Policy and RateLimit
// fields; over budget → 429 problem+json with Retry-After.
//
// Runs as an onRequest hook registered after the authentication plugin, so the identity is known,
// and before any route-level token check, so that a stream of bad tokens is throttled by address too.
import { UnavailableError } from '@scalegram/contracts/errors';
import { HttpProblem } from '@scalegram/kit/http-problem';
import type { KeyValueStore } from '@scalegram/kv/port';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Counter } from 'prom-client';
import {
  type RateLimitPolicy,
  rateLimitField,
  rateLimitPolicyField,
  retryAfterSeconds,
} from '../domain/rate-limit-fields.ts';

export interface RateLimitPluginOptions {
  kv: KeyValueStore;
  policy: RateLimitPolicy;
  /** Serve when the store is unreachable (true), or answer 503 (false). */
  failOpen: boolean;
  /** Requests never counted: probes, static documentation, CORS preflights (see app.ts). */
  exempt(request: FastifyRequest, path: string): boolean;
  /** Paths anyone may call without a token: counted per address even when a token rides along. */
  anonymous(path: string): boolean;
}

/** The partition a request is counted in. */
export function rateLimitKey(request: FastifyRequest, anonymous: boolean): string {
  const subject = anonymous ? undefined : request.identity?.subject;
  return subject ? `ratelimit:user:${subject}` : `ratelimit:ip:${request.ip}`;
}

const LOG_EVERY_MS = 10_000;

export const rateLimitPlugin = fp(
  async (app: FastifyInstance, options: RateLimitPluginOptions) => {
    const { kv, policy } = options;
    const policyField = rateLimitPolicyField(policy);
    const rejected = new Counter({
      name: 'gateway_rate_limited_total',
      help: 'Requests refused with 429 by the gateway rate limit',
      registers: [app.metrics.registry],
    });
    const storeErrors = new Counter({
      name: 'gateway_rate_limit_store_errors_total',
      help: 'Requests whose rate limit could not be checked because the store was unavailable',
      registers: [app.metrics.registry],
    });
    let lastLoggedAt = 0;

    app.addHook('onRequest', async (request, reply) => {
      const path = request.url.split('?', 1)[0] as string;
      if (options.exempt(request, path)) return;
      reply.header('ratelimit-policy', policyField);
      let result: Awaited<ReturnType<KeyValueStore['rateLimit']>>;
      try {
        result = await kv.rateLimit(rateLimitKey(request, options.anonymous(path)), {
          limit: policy.limit,
          windowMs: policy.windowMs,
        });
      } catch (error) {
        if (!(error instanceof UnavailableError)) throw error;
        storeErrors.inc();
        // One line per outage interval, not one per request: an outage must not also flood the logs.
        if (Date.now() - lastLoggedAt > LOG_EVERY_MS) {
          lastLoggedAt = Date.now();
          request.log.warn({ err: error, failOpen: options.failOpen }, 'rate-limit store unavailable');
        }
        if (options.failOpen) return;
        throw error;
      }
      reply.header('ratelimit', rateLimitField(policy, result));
      if (result.allowed) return;
      rejected.inc();
      const retryAfter = retryAfterSeconds(result);
      throw new HttpProblem(429, 'too-many-requests', 'Too Many Requests', {
        detail: `Rate limit of ${policy.limit} requests per ${Math.ceil(policy.windowMs / 1000)} s exceeded.`,
        // `violated-policies` is the extension member of the draft's quota-exceeded problem type.
        extra: { 'violated-policies': [policy.name], retryAfterSeconds: retryAfter },
        headers: { 'retry-after': String(retryAfter) },
      });
    });
  },
  { name: 'gateway-rate-limit', dependencies: ['scalegram-authentication'] },
);
