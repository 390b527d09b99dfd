// The gateway's environment, validated once at boot (kit's loadConfig lists every bad variable at once).
import { namespacedKeyPrefix } from '@scalegram/contracts/namespace';
import { BaseConfig, ConfigError, loadConfig } from '@scalegram/kit/config';
import Type, { type Static } from 'typebox';

const TRUSTED_PROXY = '(?:loopback|linklocal|uniquelocal|[0-9A-Fa-f:.]+(?:/[0-9]{1,3})?)';
const TRUST_PROXY_PATTERN = `^\\s*(?:false|true|[0-9]{1,2}|${TRUSTED_PROXY}(?:\\s*,\\s*${TRUSTED_PROXY})*)\\s*$`;

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
  /** Default `<NAMESPACE>:gateway:`. */
  REDIS_KEY_PREFIX: Type.Optional(Type.String({ minLength: 1 })),
  RATE_LIMIT_ENABLED: Type.Boolean({ default: true }),
  RATE_LIMIT_MAX: Type.Integer({ minimum: 1, default: 50 }),
  RATE_LIMIT_WINDOW_MS: Type.Integer({ minimum: 1000, default: 60_000 }),
  /** Serve (unlimited) when the store is unreachable; false answers 503 instead. */
  RATE_LIMIT_FAIL_OPEN: Type.Boolean({ default: true }),
  /**
   * Prometheus scrapes GET /metrics on this port (on HOST), never on PORT: the public entry forwards every
   * path of PORT, and the metrics show circuit states and traffic. Unset: no metrics endpoint.
   */
  METRICS_PORT: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
  // The edge.
  /**
   * Who may say who the client is (X-Forwarded-For): `false`; a hop count (`1` behind one ingress
   * controller, which appends the address it saw); or a comma-separated list of proxy addresses/CIDRs
   * (or proxy-addr's `loopback`, `linklocal`, `uniquelocal`). Never `true`: see loadGatewayConfig.
   */
  TRUST_PROXY: Type.String({ default: 'false', pattern: TRUST_PROXY_PATTERN }),
  /** Comma-separated allowed origins; unset → no CORS headers at all. */
  CORS_ORIGINS: Type.Optional(Type.String({ minLength: 1 })),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 1024 * 1024 }),
  /** How often the aggregated OpenAPI document is rebuilt from the services. */
  OPENAPI_REFRESH_MS: Type.Integer({ minimum: 1000, default: 60_000 }),
});

export type GatewayConfig = Static<typeof GatewayConfigSchema>;

// `true` makes the left-most X-Forwarded-For entry the client: the one the client wrote itself, since an
// ingress appends to the header. Per-address rate limits would then be anyone's to choose.
const TRUST_ALL_REFUSED =
  'TRUST_PROXY=true would trust every X-Forwarded-For entry, including the ones a client sends: set the ' +
  'number of proxies in front of the gateway (1 behind one ingress controller) or their addresses/CIDRs';

export function gatewayKeyPrefix(config: Pick<GatewayConfig, 'REDIS_KEY_PREFIX' | 'NAMESPACE'>): string {
  return config.REDIS_KEY_PREFIX ?? namespacedKeyPrefix(config.NAMESPACE, 'gateway');
}

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const refused = env.TRUST_PROXY?.trim() === 'true' ? [TRUST_ALL_REFUSED] : [];
  let config: GatewayConfig;
  try {
    config = loadConfig(GatewayConfigSchema, env);
  } catch (error) {
    if (error instanceof ConfigError && refused.length > 0) throw new ConfigError([...error.problems, ...refused]);
    throw error;
  }
  if (refused.length > 0) throw new ConfigError(refused);
  return config;
}

/** `TRUST_PROXY` as Fastify expects it: false, a hop count, or the trusted proxies. */
export function trustProxyOption(value: string): false | number | string[] {
  const trimmed = value.trim();
  if (trimmed === 'false' || trimmed === '' || trimmed === '0') return false;
  if (/^[0-9]+$/.test(trimmed)) return Number(trimmed);
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
