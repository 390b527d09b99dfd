// The user service assembled from its configuration: adapters (production when a URL is set, embedded
// otherwise), migrations, the USERS stream, the outbox relay and the post-count consumer, with every
// opened resource released by the app's onClose hooks in the reverse order. Returned not listening:
// server.ts runs it alone, the embedded runner beside the other services (sharing one in-process bus).
import { join } from 'node:path';
import { createAccessTokenVerifier } from '@scalegram/kit/access-token';
import type { App } from '@scalegram/kit/app';
import { ServiceClient } from '@scalegram/kit/service-client';
import { openKeyValueStore } from '@scalegram/kv/open-store';
import { openBus } from '@scalegram/queue/open-bus';
import type { MessageBus } from '@scalegram/queue/port';
import { openDatabase } from '@scalegram/relational/open-database';
import type { PgliteEngine } from '@scalegram/relational/pglite-engine';
import { buildUserApp } from './app.ts';
import { SERVICE_AUDIENCE, USER_AUDIENCE, type UserConfig, userKeyPrefix } from './config.ts';
import { startPostCountConsumer } from './events/post-count-consumer.ts';
import { startUserEventRelay } from './events/user-event-relay.ts';
import { createAvatarChecker } from './media/avatar-checker.ts';
import { migrateUserDatabase } from './store/migrate-user-database.ts';
import type { UserDatabase } from './store/schema.ts';

export interface SharedInfrastructure {
  /** A bus owned by the caller (the embedded runner's single in-process bus); not closed here. */
  bus?: MessageBus;
  /** The embedded runner's shared PGlite engine: without a database URL, this service's schema in it. */
  pglite?: PgliteEngine;
}

export async function startUserService(config: UserConfig, shared: SharedInfrastructure = {}): Promise<App> {
  const embeddedDir = (name: string) => (config.DATA_DIR === undefined ? undefined : join(config.DATA_DIR, name));

  const database = await openDatabase<UserDatabase>({
    url: config.DATABASE_URL,
    dataDir: embeddedDir('user-db'),
    engine: shared.pglite && { engine: shared.pglite, schema: 'user' },
  });
  const kv = await openKeyValueStore({ url: config.REDIS_URL, keyPrefix: userKeyPrefix(config) });
  const bus =
    shared.bus ??
    (await openBus({
      url: config.NATS_URL,
      streamReplicas: config.NATS_STREAM_REPLICAS,
      namespace: config.NAMESPACE,
      name: 'user',
      dataDir: embeddedDir('user-bus'),
    }));
  await migrateUserDatabase(database);

  const verifier = (audience: string) =>
    createAccessTokenVerifier({ jwks: config.JWKS_URL, issuer: config.AUTH_ISSUER, audience });
  const mediaClient =
    config.MEDIA_SERVICE_URL === undefined
      ? undefined
      : new ServiceClient({ name: 'media', baseUrl: config.MEDIA_SERVICE_URL, timeoutMs: config.MEDIA_TIMEOUT_MS });
  const app = buildUserApp({
    database,
    kv,
    avatars: createAvatarChecker(mediaClient),
    userVerifier: verifier(USER_AUDIENCE),
    serviceVerifier: verifier(SERVICE_AUDIENCE),
    profileCacheTtlMs: config.PROFILE_CACHE_TTL_MS,
    logLevel: config.LOG_LEVEL,
  });

  const relay = await startUserEventRelay({
    database,
    bus,
    onError: (error) => app.log.warn({ err: error }, 'outbox relay round failed; retrying'),
  });

  // Fastify runs onClose hooks in reverse registration order; registering these in the order
  // "adapters, then relay" means the relay stops first, then the bus, the store and the database close.
  app.addHook('onClose', () => database.close());
  app.addHook('onClose', () => kv.close());
  if (shared.bus === undefined) app.addHook('onClose', () => bus.close());
  app.addHook('onClose', () => relay.stop());
  if (mediaClient !== undefined) app.addHook('onClose', () => mediaClient.close());

  // Profiles' post counts follow the post service's post.created / post.deleted events; registered last,
  // so it stops (drains its in-flight event) before the bus and the database close.
  const postCounts = await startPostCountConsumer({ database, bus });
  app.addHook('onClose', () => postCounts.stop());
  return app;
}
