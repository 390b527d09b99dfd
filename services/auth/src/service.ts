// The auth service assembled from its configuration: adapters (Postgres/Redis when configured,
// PGlite/memory otherwise) → migrations → app, with every opened resource released by the app's
// onClose hooks. Returned not listening: server.ts runs it alone, the embedded runner runs it beside
// the other services in one process.
import { join } from 'node:path';
import { namespacedKeyPrefix } from '@scalegram/contracts/namespace';
import type { App } from '@scalegram/kit/app';
import { openKeyValueStore } from '@scalegram/kv/open-store';
import { createIdGenerator } from '@scalegram/relational/id-generator';
import { migrate } from '@scalegram/relational/migrate';
import { openDatabase } from '@scalegram/relational/open-database';
import type { PgliteEngine } from '@scalegram/relational/pglite-engine';
import { buildAuthApp } from './app.ts';
import { type AuthConfig, settingsFromConfig } from './config.ts';
import { createPasswordHasher } from './domain/password-hasher.ts';
import { loadKeyRing } from './keys/key-ring.ts';
import { resolveKeyRing } from './keys/key-ring-source.ts';
import { MIGRATIONS_DIR } from './migrations-dir.ts';
import type { AuthDatabase } from './store/schema.ts';

export interface SharedInfrastructure {
  /** The embedded runner's shared PGlite engine: without a database URL, this service's schema in it. */
  pglite?: PgliteEngine;
}

export async function startAuthService(config: AuthConfig, shared: SharedInfrastructure = {}): Promise<App> {
  const keyRing = await loadKeyRing(
    await resolveKeyRing({ signingKeys: config.AUTH_SIGNING_KEYS, keysFile: config.AUTH_KEYS_FILE }),
    config.ACCESS_TOKEN_TTL_SECONDS,
  );
  const database = await openDatabase<AuthDatabase>({
    url: config.DATABASE_URL,
    dataDir: config.DATA_DIR === undefined ? undefined : join(config.DATA_DIR, 'auth-pglite'),
    applicationName: 'auth',
    engine: shared.pglite && { engine: shared.pglite, schema: 'auth' },
  });
  await migrate(database, MIGRATIONS_DIR);
  const kv = await openKeyValueStore({
    url: config.REDIS_URL,
    keyPrefix: namespacedKeyPrefix(config.NAMESPACE, 'auth'),
  });
  const app = buildAuthApp({
    database,
    kv,
    keyRing,
    passwords: await createPasswordHasher(),
    ids: createIdGenerator(),
    settings: settingsFromConfig(config),
  });
  // Registered after the app's own hooks, so they run after the recovery loop and the client stop.
  app.addHook('onClose', async () => {
    await kv.close();
    await database.close();
  });
  return app;
}
