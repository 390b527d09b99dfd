// The media service assembled from its configuration: adapters (production when a URL is set, embedded
// otherwise), migrations, the MEDIA and MEDIA_JOBS streams, the outbox relay and the consumer of the
// worker's reports, with every opened resource released by the app's onClose hooks in the reverse
// order. Returned not listening: server.ts runs it alone, the embedded runner beside the other services
// (sharing one in-process bus).
import { join } from 'node:path';
import { createAccessTokenVerifier } from '@scalegram/kit/access-token';
import type { App } from '@scalegram/kit/app';
import { openBus } from '@scalegram/queue/open-bus';
import type { MessageBus } from '@scalegram/queue/port';
import { openDatabase } from '@scalegram/relational/open-database';
import type { PgliteEngine } from '@scalegram/relational/pglite-engine';
import { buildMediaApp } from './app.ts';
import { type MediaConfig, SERVICE_AUDIENCE, USER_AUDIENCE } from './config.ts';
import { startMediaEventRelay } from './events/media-event-relay.ts';
import { startWorkerResultConsumer } from './events/worker-result-consumer.ts';
import { openFileStore } from './files/open-file-store.ts';
import { migrateMediaDatabase } from './store/migrate-media-database.ts';
import type { MediaDatabase } from './store/schema.ts';

export interface SharedInfrastructure {
  /** A bus owned by the caller (the embedded runner's single in-process bus); not closed here. */
  bus?: MessageBus;
  /** The embedded runner's shared PGlite engine: without a database URL, this service's schema in it. */
  pglite?: PgliteEngine;
}

export async function startMediaService(config: MediaConfig, shared: SharedInfrastructure = {}): Promise<App> {
  const embeddedDir = (name: string) => (config.DATA_DIR === undefined ? undefined : join(config.DATA_DIR, name));

  const database = await openDatabase<MediaDatabase>({
    url: config.DATABASE_URL,
    dataDir: embeddedDir('media-db'),
    engine: shared.pglite && { engine: shared.pglite, schema: 'media' },
  });
  const bus =
    shared.bus ??
    (await openBus({
      url: config.NATS_URL,
      streamReplicas: config.NATS_STREAM_REPLICAS,
      namespace: config.NAMESPACE,
      name: 'media',
      dataDir: embeddedDir('media-bus'),
    }));
  const files = await openFileStore(config);
  await migrateMediaDatabase(database);
  await files.store.ensureBucket();

  const verifier = (audience: string) =>
    createAccessTokenVerifier({ jwks: config.JWKS_URL, issuer: config.AUTH_ISSUER, audience });
  const app = buildMediaApp({
    database,
    store: files.store,
    ...(files.kind === 'local' ? { localFiles: files.store } : {}),
    userVerifier: verifier(USER_AUDIENCE),
    serviceVerifier: verifier(SERVICE_AUDIENCE),
    limits: { maxImageBytes: config.MEDIA_MAX_IMAGE_BYTES, maxVideoBytes: config.MEDIA_MAX_VIDEO_BYTES },
    uploadExpiresInSeconds: config.MEDIA_UPLOAD_URL_TTL_SECONDS,
    downloadExpiresInSeconds: config.MEDIA_DOWNLOAD_URL_TTL_SECONDS,
    publicBaseUrl: config.MEDIA_PUBLIC_BASE_URL,
    logLevel: config.LOG_LEVEL,
  });
  app.log.info(`file store: ${files.note}`);

  const relay = await startMediaEventRelay({
    database,
    bus,
    onError: (error) => app.log.warn({ err: error }, 'outbox relay round failed; retrying'),
  });
  const consumer = await startWorkerResultConsumer({ database, store: files.store, bus, logger: app.log });

  // Fastify runs onClose hooks in reverse registration order: the consumer stops first, then the relay,
  // then the file store, the bus and the database close.
  app.addHook('onClose', () => database.close());
  if (shared.bus === undefined) app.addHook('onClose', () => bus.close());
  app.addHook('onClose', () => files.close());
  app.addHook('onClose', () => relay.stop());
  app.addHook('onClose', () => consumer.stop());
  return app;
}
