// Runs the notification service alone: `node --conditions=@scalegram/source src/server.ts`
// (src/service.ts assembles it; kit's runService serves it and stops it on SIGTERM, see
// docs/service-runtime.md).
import { runService } from '@scalegram/kit/run-service';
import { startOrExit } from '@scalegram/kit/start-or-exit';
import { loadNotificationConfig } from './config.ts';
import { startNotificationService } from './service.ts';

// A configuration problem (or another system's stream on our subjects) exits 78 with one clear line.
const { config, app } = await startOrExit('notification', async () => {
  const config = loadNotificationConfig();
  return { config, app: await startNotificationService(config) };
});
await runService({ app, port: config.PORT, host: config.HOST, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
