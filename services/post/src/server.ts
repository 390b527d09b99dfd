// Runs the post service alone: `node --conditions=@scalegram/source src/server.ts`.
// Reads the configuration, opens the shards (PostgreSQL per POST_DATABASE_URLS, else one embedded
// PGlite), migrates every shard, provisions the POSTS stream, starts one outbox relay per shard and
// serves; SIGTERM stops it all in the reverse order (see docs/service-runtime.md).
import { join } from 'node:path';
import { createAccessTokenVerifier } from '@scalegram/kit/access-token';
import { runService } from '@scalegram/kit/run-service';
import { ServiceClient } from '@scalegram/kit/service-client';
import { openBus } from '@scalegram/queue/open-bus';
import { createIdGenerator } from '@scalegram/relational/id-generator';
import { closeAll } from '@scalegram/relational/sharded-postgres';
import { buildPostApp } from './app.ts';
import { loadPostConfig, shardUrls, USER_AUDIENCE } from './config.ts';
import { startPostEventRelays } from './events/post-event-relay.ts';
import { createMediaChecker } from './media/media-checker.ts';
import { deleteExpiredIdempotencyKeys } from './store/idempotency-store.ts';
import { migratePostShards } from './store/migrate-post-shards.ts';
import { openPostShards } from './store/open-post-shards.ts';

const config = loadPostConfig();
const embeddedDir = (name: string) => (config.DATA_DIR === undefined ? undefined : join(config.DATA_DIR, name));

const router = await openPostShards({
  urls: shardUrls(config),
  poolMax: config.POST_DATABASE_POOL_MAX,
  dataDir: embeddedDir('post-db'),
});
const bus = await openBus({ url: config.NATS_URL, name: 'post', dataDir: embeddedDir('post-bus') });
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
app.addHook('onClose', () => bus.close());
app.addHook('onClose', () => relays.stop());
app.addHook('onClose', () => clearInterval(sweep));

await runService({ app, port: config.PORT, host: config.HOST, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
