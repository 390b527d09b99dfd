// The auth service as a process: config → adapters (Postgres/Redis when configured, PGlite/memory
// otherwise) → migrations → app → listen; everything closed again on SIGTERM (kit's runService).

import { join } from 'node:path';
import { ConfigError } from '@scalegram/kit/config';
import { runService } from '@scalegram/kit/run-service';
import { openKeyValueStore } from '@scalegram/kv/open-store';
import { createIdGenerator } from '@scalegram/relational/id-generator';
import { migrate } from '@scalegram/relational/migrate';
import { openDatabase } from '@scalegram/relational/open-database';
import { buildAuthApp } from './app.ts';
import { loadAuthConfig, settingsFromConfig } from './config.ts';
import { createPasswordHasher } from './domain/password-hasher.ts';
import { KeyRingError, loadKeyRing } from './keys/key-ring.ts';
import { resolveKeyRing } from './keys/key-ring-source.ts';
import { MIGRATIONS_DIR } from './migrations-dir.ts';
import type { AuthDatabase } from './store/schema.ts';

async function main(): Promise<void> {
  const config = loadAuthConfig();
  const keyRing = await loadKeyRing(
    await resolveKeyRing({ signingKeys: config.AUTH_SIGNING_KEYS, keysFile: config.AUTH_KEYS_FILE }),
    config.ACCESS_TOKEN_TTL_SECONDS,
  );
  const database = await openDatabase<AuthDatabase>({
    url: config.DATABASE_URL,
    dataDir: config.DATA_DIR === undefined ? undefined : join(config.DATA_DIR, 'auth-pglite'),
    applicationName: 'auth',
  });
  await migrate(database, MIGRATIONS_DIR);
  const kv = await openKeyValueStore({ url: config.REDIS_URL, keyPrefix: 'auth:' });
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
  await runService({ app, port: config.PORT, host: config.HOST, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
}

try {
  await main();
} catch (error) {
  // A bad configuration or key ring is an operator error: say what is wrong, without a stack trace.
  const expected = error instanceof ConfigError || error instanceof KeyRingError;
  process.stderr.write(
    `auth: failed to start: ${expected ? error.message : ((error as Error).stack ?? String(error))}\n`,
  );
  process.exit(1);
}
