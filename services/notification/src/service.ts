// The notification service assembled from its configuration: adapters (production when a URL is set,
// embedded otherwise), migrations, the live hub, and the consumers of USERS and POSTS, with every opened
// resource released by the app's onClose hooks in the reverse order. Returned not listening: server.ts
// runs it alone, the embedded runner beside the other services (sharing one in-process bus).
import { join } from 'node:path';
import { createAccessTokenVerifier } from '@scalegram/kit/access-token';
import type { App } from '@scalegram/kit/app';
import { openBus } from '@scalegram/queue/open-bus';
import type { MessageBus } from '@scalegram/queue/port';
import { openDatabase } from '@scalegram/relational/open-database';
import type { PgliteEngine } from '@scalegram/relational/pglite-engine';
import { buildNotificationApp } from './app.ts';
import { type NotificationConfig, USER_AUDIENCE } from './config.ts';
import { startNotificationConsumer } from './events/notification-consumer.ts';
import { createLiveHub } from './live/live-hub.ts';
import { migrateNotificationDatabase } from './store/migrate-notification-database.ts';
import type { NotificationDatabase } from './store/schema.ts';

export interface SharedInfrastructure {
  /** A bus owned by the caller (the embedded runner's single in-process bus); not closed here. */
  bus?: MessageBus;
  /** The embedded runner's shared PGlite engine: without a database URL, this service's schema in it. */
  pglite?: PgliteEngine;
}

export async function startNotificationService(
  config: NotificationConfig,
  shared: SharedInfrastructure = {},
): Promise<App> {
  const embeddedDir = (name: string) => (config.DATA_DIR === undefined ? undefined : join(config.DATA_DIR, name));

  const database = await openDatabase<NotificationDatabase>({
    url: config.DATABASE_URL,
    dataDir: embeddedDir('notification-db'),
    poolMax: config.DATABASE_POOL_MAX,
    engine: shared.pglite && { engine: shared.pglite, schema: 'notification' },
  });
  const bus =
    shared.bus ??
    (await openBus({
      url: config.NATS_URL,
      streamReplicas: config.NATS_STREAM_REPLICAS,
      namespace: config.NAMESPACE,
      name: 'notification',
      dataDir: embeddedDir('notification-bus'),
    }));
  await migrateNotificationDatabase(database);

  const hub = createLiveHub({ bus, subjectPrefix: config.LIVE_SUBJECT_PREFIX });
  const app = buildNotificationApp({
    database,
    hub,
    userVerifier: createAccessTokenVerifier({
      jwks: config.JWKS_URL,
      issuer: config.AUTH_ISSUER,
      audience: USER_AUDIENCE,
    }),
    heartbeatMs: config.SSE_HEARTBEAT_MS,
    retryMs: config.SSE_RETRY_MS,
    maxStreamsPerUser: config.SSE_MAX_STREAMS_PER_USER,
    logLevel: config.LOG_LEVEL,
  });

  // Fastify runs onClose hooks in reverse registration order: the consumer stops first (its in-flight
  // event finishes and is acked), then the hub's subscriptions go, then the bus and the database close.
  // The SSE streams have ended before any of this, in the app's preClose hook.
  app.addHook('onClose', () => database.close());
  if (shared.bus === undefined) app.addHook('onClose', () => bus.close());
  app.addHook('onClose', () => hub.close());

  const consumer = await startNotificationConsumer({
    database,
    bus,
    hub,
    followWindowMs: config.FOLLOW_COLLAPSE_WINDOW_MS,
    mentionGraceMs: config.MENTION_GRACE_MS,
    streams: {
      users: config.USERS_STREAM_NAME,
      posts: config.POSTS_STREAM_NAME,
      subjectPrefix: config.EVENT_SUBJECT_PREFIX,
    },
    durables: { users: config.USERS_DURABLE, posts: config.POSTS_DURABLE },
    concurrency: config.CONSUMER_CONCURRENCY,
    logger: { warn: (details, message) => app.log.warn(details, message) },
  });
  app.addHook('onClose', () => consumer.stop());
  return app;
}
