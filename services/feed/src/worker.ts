// Runs the fan-out worker alone: `node --conditions=@scalegram/source src/worker.ts` (port 3007 by
// convention; /healthz, /readyz and /metrics only). SIGTERM lets the events and jobs in hand finish.
import { runService } from '@scalegram/kit/run-service';
import { startOrExit } from '@scalegram/kit/start-or-exit';
import { loadFeedConfig } from './config.ts';
import { startFeedWorker } from './worker-service.ts';

// A configuration problem (or another system's stream on our subjects) exits 78 with one clear line.
const { config, app } = await startOrExit('feed-worker', async () => {
  const config = loadFeedConfig();
  return { config, app: await startFeedWorker(config) };
});
await runService({ app, port: config.PORT, host: config.HOST, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
