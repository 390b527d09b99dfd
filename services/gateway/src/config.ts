// The gateway's environment, validated once at boot (kit's loadConfig lists every bad variable at once).
import { BaseConfig, loadConfig } from '@scalegram/kit/config';
import Type, { type Static } from 'typebox';

const Url = Type.String({ minLength: 1, pattern: '^https?://' });
/** One base URL, or several separated by commas (replicas, balanced round-robin: src/upstreams.ts). */
const UrlList = Type.String({ minLength: 1, pattern: '^\\s*https?://[^,\\s]+(\\s*,\\s*https?://[^,\\s]+)*\\s*$' });

export const GatewayConfigSchema = Type.Object({
  ...BaseConfig,
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
  // Upstream base URLs, one per service the route table names; a comma-separated list for replicas.
  AUTH_SERVICE_URL: UrlList,
  USER_SERVICE_URL: UrlList,
  // Optional: routes to a service that is not configured are left out of the table (404), and so are
  // the composed routes that need it (the feed page needs feed and post, search needs search and post).
  POST_SERVICE_URL: Type.Optional(UrlList),
  MEDIA_SERVICE_URL: Type.Optional(UrlList),
  FEED_SERVICE_URL: Type.Optional(UrlList),
  SEARCH_SERVICE_URL: Type.Optional(UrlList),
  NOTIFICATION_SERVICE_URL: Type.Optional(UrlList),
  /** Per-attempt timeout for calls to any upstream, unless a service-specific one is set. */
  UPSTREAM_TIMEOUT_MS: Type.Integer({ minimum: 1, default: 5000 }),
  // Registration hashes a password (argon2id) and runs a saga with the user service: allow it longer.
  AUTH_SERVICE_TIMEOUT_MS: Type.Optional(Type.Integer({ minimum: 1 })),
  USER_SERVICE_TIMEOUT_MS: Type.Optional(Type.Integer({ minimum: 1 })),
  /** Consecutive failures that open an upstream's circuit, and how long it stays open. */
  BREAKER_FAILURES: Type.Integer({ minimum: 1, default: 5 }),
  BREAKER_HALF_OPEN_AFTER_MS: Type.Integer({ minimum: 1, default: 10_000 }),
  // Access-token verification (the auth service's key set).
  JWKS_URL: Url,
  AUTH_ISSUER: Type.String({ minLength: 1, default: 'scalegram-auth' }),
  AUTH_AUDIENCE: Type.String({ minLength: 1, default: 'scalegram' }),
  /** Verified tokens remembered (src/verified-token-cache.ts); 0 verifies every request in full. */
  TOKEN_CACHE_MAX_ENTRIES: Type.Integer({ minimum: 0, default: 10_000 }),
  TOKEN_CACHE_MAX_AGE_MS: Type.Integer({ minimum: 1, default: 60_000 }),
  // Rate limiting (ADR 0020). REDIS_URL unset → the in-memory store (one process only).
  REDIS_URL: Type.Optional(Type.String({ minLength: 1, pattern: '^rediss?://' })),
  REDIS_KEY_PREFIX: Type.String({ minLength: 1, default: 'gateway:' }),
  RATE_LIMIT_ENABLED: Type.Boolean({ default: true }),
  RATE_LIMIT_MAX: Type.Integer({ minimum: 1, default: 50 }),
  RATE_LIMIT_WINDOW_MS: Type.Integer({ minimum: 1000, default: 60_000 }),
  /** Serve (unlimited) when the store is unreachable; false answers 503 instead. */
  RATE_LIMIT_FAIL_OPEN: Type.Boolean({ default: true }),
  // The edge.
  /** Fastify trustProxy: `true`, or a comma-separated list of proxy addresses/CIDRs (the Ingress). */
  TRUST_PROXY: Type.String({ default: 'false' }),
  /** Comma-separated allowed origins; unset → no CORS headers at all. */
  CORS_ORIGINS: Type.Optional(Type.String({ minLength: 1 })),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 1024 * 1024 }),
  /** How often the aggregated OpenAPI document is rebuilt from the services. */
  OPENAPI_REFRESH_MS: Type.Integer({ minimum: 1000, default: 60_000 }),
});

export type GatewayConfig = Static<typeof GatewayConfigSchema>;

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig(GatewayConfigSchema, env);
}

/** `TRUST_PROXY` as Fastify expects it. */
export function trustProxyOption(value: string): boolean | string[] {
  const trimmed = value.trim();
  if (trimmed === 'true') return true;
  if (trimmed === 'false' || trimmed === '') return false;
  return trimmed
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
}

export function corsOrigins(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
}
