// The post service's configuration, read once at boot from the environment.
import { BaseConfig, loadConfig, NatsStreamReplicas } from '@scalegram/kit/config';
import Type, { type Static } from 'typebox';

export const PostConfigSchema = Type.Object({
  ...BaseConfig,
  /**
   * Comma-separated PostgreSQL URLs, one per physical shard, in placement order (database i holds the
   * i-th contiguous range of the 8192 logical shards). Absent: one embedded PGlite under DATA_DIR.
   * Changing the number of URLs moves logical shards between databases: see docs/adr/0022-post-sharding.md.
   */
  POST_DATABASE_URLS: Type.Optional(Type.String({ minLength: 1, pattern: '^[^,\\s]+(,[^,\\s]+)*$' })),
  NATS_URL: Type.Optional(Type.String({ minLength: 1 })),
  NATS_STREAM_REPLICAS: NatsStreamReplicas,
  /** Where embedded adapters keep their files; absent means in memory (lost on exit). */
  DATA_DIR: Type.Optional(Type.String({ minLength: 1 })),
  /** The auth service's key set, e.g. http://auth:3000/.well-known/jwks.json */
  JWKS_URL: Type.String({ minLength: 1 }),
  AUTH_ISSUER: Type.String({ minLength: 1, default: 'scalegram-auth' }),
  /** The media service, checked for ownership and readiness of attached media, e.g. http://media:3000 */
  MEDIA_SERVICE_URL: Type.String({ minLength: 1 }),
  MEDIA_TIMEOUT_MS: Type.Integer({ minimum: 1, default: 2000 }),
  /** Pool size per physical shard. */
  POST_DATABASE_POOL_MAX: Type.Integer({ minimum: 1, default: 10 }),
  /** Stream the events go to; only tests change it (a unique name per run). */
  POSTS_STREAM_NAME: Type.String({ minLength: 1, default: 'POSTS' }),
});

export type PostConfig = Static<typeof PostConfigSchema>;

export const USER_AUDIENCE = 'scalegram';

export function loadPostConfig(env: NodeJS.ProcessEnv = process.env): PostConfig {
  return loadConfig(PostConfigSchema, env);
}

export function shardUrls(config: PostConfig): string[] {
  return config.POST_DATABASE_URLS === undefined ? [] : config.POST_DATABASE_URLS.split(',');
}
