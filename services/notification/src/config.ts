// The notification service's configuration, read once at boot from the environment.
import { BaseConfig, loadConfig, NatsStreamReplicas } from '@scalegram/kit/config';
import Type, { type Static } from 'typebox';

export const NotificationConfigSchema = Type.Object({
  ...BaseConfig,
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3009 }),
  // Absent: the embedded adapters (PGlite, in-process bus), kept under DATA_DIR.
  DATABASE_URL: Type.Optional(Type.String({ minLength: 1 })),
  NATS_URL: Type.Optional(Type.String({ minLength: 1 })),
  NATS_STREAM_REPLICAS: NatsStreamReplicas,
  /** Where embedded adapters keep their files; absent means in memory (lost on exit). */
  DATA_DIR: Type.Optional(Type.String({ minLength: 1 })),
  /** Pooled Postgres connections per replica; every open SSE stream borrows one only while it reads. */
  DATABASE_POOL_MAX: Type.Integer({ minimum: 1, default: 10 }),
  /** The auth service's key set, e.g. http://auth:3000/.well-known/jwks.json */
  JWKS_URL: Type.String({ minLength: 1 }),
  AUTH_ISSUER: Type.String({ minLength: 1, default: 'scalegram-auth' }),
  /** A comment line on every open stream this often, so proxies and load balancers keep it open. */
  SSE_HEARTBEAT_MS: Type.Integer({ minimum: 100, default: 15_000 }),
  /** Streams one user may hold open on one replica (tabs, devices); more get 429. */
  SSE_MAX_STREAMS_PER_USER: Type.Integer({ minimum: 1, default: 10 }),
  /** The `retry:` hint: how long a browser's EventSource waits before reconnecting. */
  SSE_RETRY_MS: Type.Integer({ minimum: 0, default: 3_000 }),
  /** Follows by different people collapse into one unread notification within this window. */
  FOLLOW_COLLAPSE_WINDOW_MS: Type.Integer({ minimum: 0, default: 60 * 60 * 1000 }),
  /**
   * A mention of a username this service does not know yet is retried for this long after the event was
   * published (its `user.registered` may still be on its way on the USERS stream), then dropped.
   */
  MENTION_GRACE_MS: Type.Integer({ minimum: 0, default: 5_000 }),
  /** Streams consumed; only tests change them (a unique name and subject prefix per run). */
  USERS_STREAM_NAME: Type.String({ minLength: 1, default: 'USERS' }),
  POSTS_STREAM_NAME: Type.String({ minLength: 1, default: 'POSTS' }),
  EVENT_SUBJECT_PREFIX: Type.String({ default: '' }),
  /**
   * Events each replica takes at once per stream. Those in flight together are applied as one batch in
   * one transaction (ADR 0041), so a backlog drains in batches of up to this many.
   */
  CONSUMER_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 1_000, default: 100 }),
  /** Durable consumer names, shared by every replica (they compete for the events). */
  USERS_DURABLE: Type.String({ minLength: 1, default: 'notification-users' }),
  POSTS_DURABLE: Type.String({ minLength: 1, default: 'notification-posts' }),
  /** Transient per-user subjects that carry live notifications between replicas: `<prefix><userId>`. */
  LIVE_SUBJECT_PREFIX: Type.String({
    minLength: 1,
    pattern: '^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*\\.$',
    default: 'notify.user.',
  }),
});

export type NotificationConfig = Static<typeof NotificationConfigSchema>;

export const USER_AUDIENCE = 'scalegram';

export function loadNotificationConfig(env: NodeJS.ProcessEnv = process.env): NotificationConfig {
  return loadConfig(NotificationConfigSchema, env);
}
