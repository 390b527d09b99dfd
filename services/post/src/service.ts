// The post service assembled from its configuration: the shards (PostgreSQL per POST_DATABASE_URLS,
// else one embedded PGlite), their migrations, the POSTS stream with one outbox relay per shard, and
// the app, with every opened resource released by the app's onClose hooks in the reverse order.
// Returned not listening: server.ts runs it alone, the embedded runner beside the other services
// (sharing one in-process bus).
import { join } from 'node:path';
import { SERVICE_TOKEN_AUDIENCE } from '@scalegram/contracts/service-tokens';
import { createAccessTokenVerifier } from '@scalegram/kit/access-token';
import type { App } from '@scalegram/kit/app';
import { ServiceClient } from '@scalegram/kit/service-client';
import { openBus } from '@scalegram/queue/open-bus';
import type { MessageBus } from '@scalegram/queue/port';
import { createIdGenerator } from '@scalegram/relational/id-generator';
import type { PgliteEngine } from '@scalegram/relational/pglite-engine';
import { closeAll } from '@scalegram/relational/sharded-postgres';
import { buildPostApp } from './app.ts';
import { type PostConfig, shardUrls, USER_AUDIENCE } from './config.ts';
import { startPostEventRelays } from './events/post-event-relay.ts';
import { createMediaChecker } from './media/media-checker.ts';
import { deleteExpiredIdempotencyKeys } from './store/idempotency-store.ts';
import { migratePostShards } from './store/migrate-post-shards.ts';
import { openPostShards } from './store/open-post-shards.ts';

export interface SharedInfrastructure {
  /** A bus owned by the caller (the embedded runner's single in-process bus); not closed here. */
  bus?: MessageBus;
  /** The embedded runner's shared PGlite engine: without a database URL, this service's schema in it. */
  pglite?: PgliteEngine;
}

export async function startPostService(config: PostConfig, shared: SharedInfrastructure = {}): Promise<App> {
  const embeddedDir = (name: string) => (config.DATA_DIR === undefined ? undefined : join(config.DATA_DIR, name));

  const router = await openPostShards({
    urls: shardUrls(config),
    poolMax: config.POST_DATABASE_POOL_MAX,
    dataDir: embeddedDir('post-db'),
    engine: shared.pglite,
  });
  const bus =
    shared.bus ??
    (await openBus({
      url: config.NATS_URL,
      streamReplicas: config.NATS_STREAM_REPLICAS,
      namespace: config.NAMESPACE,
      name: 'post',
      dataDir: embeddedDir('post-bus'),
    }));
  await migratePostShards(router);

  const mediaClient = new ServiceClient({
    name: 'media',
    baseUrl: config.MEDIA_SERVICE_URL,
    timeoutMs: config.MEDIA_TIMEOUT_MS,
  });
  const app = buildPostApp({
    router,
    ids: createIdGenerator(),
    media: createMediaChecker(mediaClient),
    userVerifier: createAccessTokenVerifier({
      jwks: config.JWKS_URL,
      issuer: config.AUTH_ISSUER,
      audience: USER_AUDIENCE,
    }),
    serviceVerifier: createAccessTokenVerifier({
      jwks: config.JWKS_URL,
      issuer: config.AUTH_ISSUER,
      audience: SERVICE_TOKEN_AUDIENCE,
    }),
    logLevel: config.LOG_LEVEL,
  });

  const relays = await startPostEventRelays({
    router,
    bus,
    stream: { name: config.POSTS_STREAM_NAME, subjectPrefix: '' },
    onError: (error) => app.log.warn({ err: error }, 'outbox relay round failed; retrying'),
  });

  // Expired Idempotency-Keys are only dead weight (a claim already ignores them); sweep them hourly.
  const sweep = setInterval(
    () => {
      for (const database of router.all()) {
        deleteExpiredIdempotencyKeys(database).catch((error) => app.log.warn({ err: error }, 'key sweep failed'));
      }
    },
    60 * 60 * 1000,
  );
  sweep.unref();

  // onClose hooks run in reverse registration order: relays stop first, then the bus, the media client
  // and the shards close.
  app.addHook('onClose', () => closeAll(router));
  app.addHook('onClose', () => mediaClient.close());
  if (shared.bus === undefined) app.addHook('onClose', () => bus.close());
  app.addHook('onClose', () => relays.stop());
  app.addHook('onClose', () => clearInterval(sweep));
  return app;
}
