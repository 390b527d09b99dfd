// Runs the media worker alone: `node --conditions=@scalegram/source src/server.ts`
// (src/service.ts assembles it; kit's runService serves /healthz, /readyz and /metrics and stops it on
// SIGTERM, letting the job in progress finish).
import { runService } from '@scalegram/kit/run-service';
import { startOrExit } from '@scalegram/kit/start-or-exit';
import { loadMediaWorkerConfig } from './config.ts';
import { startMediaWorkerService } from './service.ts';

// A configuration problem (or another system's stream on our subjects) exits 78 with one clear line.
const { config, app } = await startOrExit('media-worker', async () => {
  const config = loadMediaWorkerConfig();
  return { config, app: await startMediaWorkerService(config) };
});
await runService({ app, port: config.PORT, host: config.HOST, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
