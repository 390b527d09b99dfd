// The auth service's environment, validated once at boot (kit's loadConfig). Secrets (the signing
// keys) have no default: production passes AUTH_SIGNING_KEYS from a Secret; AUTH_KEYS_FILE is the
// development convenience. With neither, the process stops before it listens.
import { BaseConfig, ConfigError, loadConfig } from '@scalegram/kit/config';
import Type, { type Static } from 'typebox';
import type { AuthSettings } from './app.ts';
import { parseServiceClients, ServiceClientsError } from './clients/service-client-registry.ts';

export const AuthConfigSchema = Type.Object({
  ...BaseConfig,
  /** PostgreSQL; absent → embedded PGlite under DATA_DIR (or in memory). */
  DATABASE_URL: Type.Optional(Type.String({ minLength: 1 })),
  /** Redis; absent → the in-memory store (throttling counters are then per process). */
  REDIS_URL: Type.Optional(Type.String({ minLength: 1 })),
  DATA_DIR: Type.Optional(Type.String({ minLength: 1 })),
  USER_SERVICE_URL: Type.String({ minLength: 1, default: 'http://127.0.0.1:3001' }),
  USER_SERVICE_TIMEOUT_MS: Type.Integer({ minimum: 50, default: 2000 }),
  AUTH_ISSUER: Type.String({ minLength: 1, default: 'scalegram-auth' }),
  /** A JWK set (private Ed25519 keys with kid, createdAt, retiredAt) — from a Secret. */
  AUTH_SIGNING_KEYS: Type.Optional(Type.String({ minLength: 1 })),
  /** Development: a key ring file, generated (mode 0600) when missing. */
  AUTH_KEYS_FILE: Type.Optional(Type.String({ minLength: 1 })),
  ACCESS_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 30, maximum: 86_400, default: 900 }),
  REFRESH_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 60, default: 30 * 86_400 }),
  /** Login attempts per username per window; a successful login resets the count. */
  LOGIN_USERNAME_LIMIT: Type.Integer({ minimum: 1, default: 5 }),
  LOGIN_USERNAME_WINDOW_SECONDS: Type.Integer({ minimum: 1, default: 900 }),
  /** Login attempts per client address per window. */
  LOGIN_ADDRESS_LIMIT: Type.Integer({ minimum: 1, default: 20 }),
  LOGIN_ADDRESS_WINDOW_SECONDS: Type.Integer({ minimum: 1, default: 60 }),
  /** Registrations per client address per window. */
  REGISTER_ADDRESS_LIMIT: Type.Integer({ minimum: 1, default: 10 }),
  REGISTER_ADDRESS_WINDOW_SECONDS: Type.Integer({ minimum: 1, default: 3600 }),
  /** How often the registration recovery loop runs, and how old an unfinished registration must be. */
  RECOVERY_INTERVAL_MS: Type.Integer({ minimum: 100, default: 5000 }),
  RECOVERY_STALE_AFTER_MS: Type.Integer({ minimum: 1000, default: 30_000 }),
  /**
   * Registered clients of the client-credentials grant (POST /internal/service-tokens), a JSON object
   * from a Secret: {"search": {"secretSha256": "<64 hex>", "scopes": ["posts:read"]}}. Absent: no client
   * can get a token. Generate an entry with `pnpm --filter @scalegram/auth-service new-service-client`.
   */
  SERVICE_CLIENTS: Type.Optional(Type.String({ minLength: 2 })),
  /** Lifetime of the service tokens issued to those clients. */
  SERVICE_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 3600, default: 300 }),
  /** Fastify trustProxy (`true`, or the gateway's addresses/CIDRs, comma-separated) so the client address is the real one. */
  TRUST_PROXY: Type.Optional(Type.String({ minLength: 1 })),
});

export type AuthConfig = Static<typeof AuthConfigSchema>;

export function loadAuthConfig(env: NodeJS.ProcessEnv = process.env): AuthConfig {
  const config = loadConfig(AuthConfigSchema, env);
  const problems: string[] = [];
  if (config.AUTH_SIGNING_KEYS === undefined && config.AUTH_KEYS_FILE === undefined) {
    problems.push('AUTH_SIGNING_KEYS (production) or AUTH_KEYS_FILE (development) must be set');
  }
  try {
    parseServiceClients(config.SERVICE_CLIENTS);
  } catch (error) {
    if (!(error instanceof ServiceClientsError)) throw error;
    problems.push(error.message);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** Fastify's trustProxy from the variable: `true`, or a list of trusted proxy addresses/CIDRs. */
export function trustProxyOf(value: string | undefined): boolean | string[] {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  return value.split(',').map((part) => part.trim());
}

/** The app's settings from the validated environment. */
export function settingsFromConfig(config: AuthConfig): AuthSettings {
  const seconds = (n: number) => n * 1000;
  return {
    issuer: config.AUTH_ISSUER,
    accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
    limits: {
      loginPerUsername: { limit: config.LOGIN_USERNAME_LIMIT, windowMs: seconds(config.LOGIN_USERNAME_WINDOW_SECONDS) },
      loginPerAddress: { limit: config.LOGIN_ADDRESS_LIMIT, windowMs: seconds(config.LOGIN_ADDRESS_WINDOW_SECONDS) },
      registerPerAddress: {
        limit: config.REGISTER_ADDRESS_LIMIT,
        windowMs: seconds(config.REGISTER_ADDRESS_WINDOW_SECONDS),
      },
    },
    userService: { baseUrl: config.USER_SERVICE_URL, timeoutMs: config.USER_SERVICE_TIMEOUT_MS },
    serviceClients: parseServiceClients(config.SERVICE_CLIENTS),
    serviceTokenTtlSeconds: config.SERVICE_TOKEN_TTL_SECONDS,
    recoveryIntervalMs: config.RECOVERY_INTERVAL_MS,
    recoveryStaleAfterMs: config.RECOVERY_STALE_AFTER_MS,
    trustProxy: trustProxyOf(config.TRUST_PROXY),
    logLevel: config.LOG_LEVEL,
  };
}
