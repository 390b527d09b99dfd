// Runs the user service alone: `node --conditions=@scalegram/source src/server.ts`.
// Reads the configuration, opens the adapters (production when a URL is set, embedded otherwise),
// migrates, provisions the USERS stream, starts the outbox relay and serves; SIGTERM stops it all in
// the reverse order (see docs/service-runtime.md).
import { join } from 'node:path';
import { createAccessTokenVerifier } from '@scalegram/kit/access-token';
import { runService } from '@scalegram/kit/run-service';
import { openKeyValueStore } from '@scalegram/kv/open-store';
import { openBus } from '@scalegram/queue/open-bus';
import { openDatabase } from '@scalegram/relational/open-database';
import { buildUserApp } from './app.ts';
import { loadUserConfig, SERVICE_AUDIENCE, USER_AUDIENCE } from './config.ts';
import { startPostCountConsumer } from './events/post-count-consumer.ts';
import { startUserEventRelay } from './events/user-event-relay.ts';
import { migrateUserDatabase } from './store/migrate-user-database.ts';
import type { UserDatabase } from './store/schema.ts';

const config = loadUserConfig();
const embeddedDir = (name: string) => (config.DATA_DIR === undefined ? undefined : join(config.DATA_DIR, name));

const database = await openDatabase<UserDatabase>({ url: config.DATABASE_URL, dataDir: embeddedDir('user-db') });
const kv = await openKeyValueStore({ url: config.REDIS_URL, keyPrefix: config.KV_KEY_PREFIX });
const bus = await openBus({ url: config.NATS_URL, name: 'user', dataDir: embeddedDir('user-bus') });
await migrateUserDatabase(database);

const app = buildUserApp({
  database,
  kv,
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
app.addHook('onClose', () => bus.close());
app.addHook('onClose', () => relay.stop());

// Profiles' post counts follow the post service's post.created / post.deleted events; registered last,
// so it stops (drains its in-flight event) before the bus and the database close.
const postCounts = await startPostCountConsumer({ database, bus });
app.addHook('onClose', () => postCounts.stop());

await runService({ app, port: config.PORT, host: config.HOST, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
