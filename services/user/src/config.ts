// The user service's configuration, read once at boot from the environment.
import { namespacedKeyPrefix } from '@scalegram/contracts/namespace';
import { BaseConfig, loadConfig, NatsStreamReplicas } from '@scalegram/kit/config';
import Type, { type Static } from 'typebox';

export const UserConfigSchema = Type.Object({
  ...BaseConfig,
  // Absent: the embedded adapters (PGlite, in-memory store, in-process bus), kept under DATA_DIR.
  DATABASE_URL: Type.Optional(Type.String({ minLength: 1 })),
  REDIS_URL: Type.Optional(Type.String({ minLength: 1 })),
  NATS_URL: Type.Optional(Type.String({ minLength: 1 })),
  NATS_STREAM_REPLICAS: NatsStreamReplicas,
  /** Where embedded adapters keep their files; absent means in memory (lost on exit). */
  DATA_DIR: Type.Optional(Type.String({ minLength: 1 })),
  /** The auth service's key set, e.g. http://auth:3000/.well-known/jwks.json */
  JWKS_URL: Type.String({ minLength: 1 }),
  AUTH_ISSUER: Type.String({ minLength: 1, default: 'scalegram-auth' }),
  /** Cache entries live at most this long, which bounds how stale a profile can ever be (ADR 0018). */
  PROFILE_CACHE_TTL_MS: Type.Integer({ minimum: 1, default: 60_000 }),
  /**
   * The media service, which checks a new avatar (yours, ready, an image); unset: avatars cannot be set
   * (503 `media-unavailable`).
   */
  MEDIA_SERVICE_URL: Type.Optional(Type.String({ minLength: 1, pattern: '^https?://' })),
  MEDIA_TIMEOUT_MS: Type.Integer({ minimum: 1, default: 2000 }),
  /** Prefix of this service's keys in a shared Redis; default `<NAMESPACE>:user:`. */
  KV_KEY_PREFIX: Type.Optional(Type.String({ minLength: 1 })),
});

export type UserConfig = Static<typeof UserConfigSchema>;

export const USER_AUDIENCE = 'scalegram';
export const SERVICE_AUDIENCE = 'scalegram-internal';

export function userKeyPrefix(config: Pick<UserConfig, 'KV_KEY_PREFIX' | 'NAMESPACE'>): string {
  return config.KV_KEY_PREFIX ?? namespacedKeyPrefix(config.NAMESPACE, 'user');
}

export function loadUserConfig(env: NodeJS.ProcessEnv = process.env): UserConfig {
  return loadConfig(UserConfigSchema, env);
}
