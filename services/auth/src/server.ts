// Runs the auth service alone: `node --conditions=@scalegram/source src/server.ts`
// (src/service.ts assembles it; kit's runService serves it and stops it on SIGTERM).
import { ConfigError } from '@scalegram/kit/config';
import { runService } from '@scalegram/kit/run-service';
import { EXIT_CONFIGURATION } from '@scalegram/kit/start-or-exit';
import { loadAuthConfig } from './config.ts';
import { KeyRingError } from './keys/key-ring.ts';
import { startAuthService } from './service.ts';

try {
  const config = loadAuthConfig();
  const app = await startAuthService(config);
  await runService({ app, port: config.PORT, host: config.HOST, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
} catch (error) {
  // A bad configuration or key ring is an operator error: say what is wrong, without a stack trace, and
  // exit 78 so that a supervisor does not restart into the same error.
  const expected = error instanceof ConfigError || error instanceof KeyRingError;
  process.stderr.write(
    `auth: failed to start: ${expected ? error.message : ((error as Error).stack ?? String(error))}\n`,
  );
  process.exit(expected ? EXIT_CONFIGURATION : 1);
}
