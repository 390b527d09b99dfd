// The feed's configuration, read once at boot from the environment. The API (server.ts) and the fan-out
// worker (worker.ts) are two deployables of one package and take the same variables.
import { namespacedKeyPrefix } from '@scalegram/contracts/namespace';
import { BaseConfig, loadConfig, NatsStreamReplicas } from '@scalegram/kit/config';
import Type, { type Static } from 'typebox';

export const FeedConfigSchema = Type.Object({
  ...BaseConfig,
  /** Redis holding the timelines and projections; absent: the in-memory store (private to the process). */
  REDIS_URL: Type.Optional(Type.String({ minLength: 1 })),
  /** Prefix of the feed's keys in a shared Redis; default `<NAMESPACE>:feed:`. */
  KV_KEY_PREFIX: Type.Optional(Type.String({ minLength: 1 })),
  /** NATS JetStream; absent: the in-process bus. */
  NATS_URL: Type.Optional(Type.String({ minLength: 1 })),
  NATS_STREAM_REPLICAS: NatsStreamReplicas,
  /** Where the embedded bus keeps its journal; absent means in memory (lost on exit). */
  DATA_DIR: Type.Optional(Type.String({ minLength: 1 })),
  /** The auth service's key set, e.g. http://auth:3000/.well-known/jwks.json */
  JWKS_URL: Type.String({ minLength: 1 }),
  AUTH_ISSUER: Type.String({ minLength: 1, default: 'scalegram-auth' }),
  /** The user service (whom a reader follows, when a timeline is regenerated), e.g. http://user:3000 */
  USER_SERVICE_URL: Type.String({ minLength: 1 }),
  /** The post service (authors' newest posts, when a timeline is regenerated), e.g. http://post:3000 */
  POST_SERVICE_URL: Type.String({ minLength: 1 }),
  UPSTREAM_TIMEOUT_MS: Type.Integer({ minimum: 1, default: 3000 }),
  /** Entries kept per home timeline (Twitter and Mastodon keep 800). */
  FEED_TIMELINE_MAX: Type.Integer({ minimum: 1, maximum: 10_000, default: 800 }),
  /** A timeline nobody read for this long expires; the next read regenerates it (ADR 0034). */
  FEED_TIMELINE_TTL_MS: Type.Integer({ minimum: 1000, default: 14 * 24 * 60 * 60 * 1000 }),
  /** Authors with more followers than this are not fanned out; readers merge their posts (ADR 0036). */
  FEED_CELEBRITY_THRESHOLD: Type.Integer({ minimum: 0, default: 10_000 }),
  /** Newest posts kept per author (backfill on follow, celebrity merge, regeneration per author). */
  FEED_RECENT_POSTS_PER_AUTHOR: Type.Integer({ minimum: 1, maximum: 200, default: 100 }),
  /** Timelines written per Redis transaction; also the size of one fan-out job. */
  FEED_FANOUT_BATCH_SIZE: Type.Integer({ minimum: 1, maximum: 10_000, default: 500 }),
  /** How long a reader waits for another replica's regeneration of the same timeline before a 503. */
  FEED_REGENERATION_WAIT_MS: Type.Integer({ minimum: 1, default: 5000 }),
  /** The regeneration lock expires after this, should its holder die. */
  FEED_REGENERATION_LOCK_MS: Type.Integer({ minimum: 100, default: 15_000 }),
  /** Events and fan-out jobs handled at once per worker replica. */
  WORKER_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 64, default: 4 }),
  /** Streams and consumer names; only tests change them (unique names per run). */
  POSTS_STREAM_NAME: Type.String({ minLength: 1, default: 'POSTS' }),
  POSTS_SUBJECT_PREFIX: Type.String({ default: '' }),
  USERS_STREAM_NAME: Type.String({ minLength: 1, default: 'USERS' }),
  USERS_SUBJECT_PREFIX: Type.String({ default: '' }),
  FEED_JOBS_STREAM_NAME: Type.String({ minLength: 1, default: 'FEED_FANOUT' }),
  FEED_JOBS_SUBJECT_PREFIX: Type.String({ default: '' }),
  FEED_DURABLE_PREFIX: Type.String({ minLength: 1, pattern: '^[A-Za-z0-9_-]+$', default: 'feed' }),
});

export type FeedConfig = Static<typeof FeedConfigSchema>;

export const USER_AUDIENCE = 'scalegram';

export function feedKeyPrefix(config: Pick<FeedConfig, 'KV_KEY_PREFIX' | 'NAMESPACE'>): string {
  return config.KV_KEY_PREFIX ?? namespacedKeyPrefix(config.NAMESPACE, 'feed');
}

export function loadFeedConfig(env: NodeJS.ProcessEnv = process.env): FeedConfig {
  return loadConfig(FeedConfigSchema, env);
}
