// Runs the media service alone: `node --conditions=@scalegram/source src/server.ts`.
// Reads the configuration, opens the adapters (production when a URL is set, embedded otherwise),
// migrates, provisions the MEDIA and MEDIA_JOBS streams, starts the outbox relay and the consumer of
// the worker's reports, and serves; SIGTERM stops it all in reverse order (docs/service-runtime.md).
import { join } from 'node:path';
import { createAccessTokenVerifier } from '@scalegram/kit/access-token';
import { runService } from '@scalegram/kit/run-service';
import { openBus } from '@scalegram/queue/open-bus';
import { openDatabase } from '@scalegram/relational/open-database';
import { buildMediaApp } from './app.ts';
import { loadMediaConfig, SERVICE_AUDIENCE, USER_AUDIENCE } from './config.ts';
import { startMediaEventRelay } from './events/media-event-relay.ts';
import { startWorkerResultConsumer } from './events/worker-result-consumer.ts';
import { openFileStore } from './files/open-file-store.ts';
import { migrateMediaDatabase } from './store/migrate-media-database.ts';
import type { MediaDatabase } from './store/schema.ts';

const config = loadMediaConfig();
const embeddedDir = (name: string) => (config.DATA_DIR === undefined ? undefined : join(config.DATA_DIR, name));

const database = await openDatabase<MediaDatabase>({ url: config.DATABASE_URL, dataDir: embeddedDir('media-db') });
const bus = await openBus({ url: config.NATS_URL, name: 'media', dataDir: embeddedDir('media-bus') });
const files = await openFileStore(config);
await migrateMediaDatabase(database);
await files.store.ensureBucket();

const app = buildMediaApp({
  database,
  store: files.store,
  ...(files.kind === 'local' ? { localFiles: files.store } : {}),
  userVerifier: createAccessTokenVerifier({
    jwks: config.JWKS_URL,
    issuer: config.AUTH_ISSUER,
    audience: USER_AUDIENCE,
  }),
  serviceVerifier: createAccessTokenVerifier({
    jwks: config.JWKS_URL,
    issuer: config.AUTH_ISSUER,
    audience: SERVICE_AUDIENCE,
  }),
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
app.addHook('onClose', () => bus.close());
app.addHook('onClose', () => files.close());
app.addHook('onClose', () => relay.stop());
app.addHook('onClose', () => consumer.stop());

await runService({ app, port: config.PORT, host: config.HOST, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
