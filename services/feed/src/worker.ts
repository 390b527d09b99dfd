// Runs the fan-out worker alone: `node --conditions=@scalegram/source src/worker.ts` (port 3007 by
// convention; /healthz, /readyz and /metrics only). SIGTERM lets the events and jobs in hand finish.
import { runService } from '@scalegram/kit/run-service';
import { loadFeedConfig } from './config.ts';
import { startFeedWorker } from './worker-service.ts';

const config = loadFeedConfig();
const app = await startFeedWorker(config);
await runService({ app, port: config.PORT, host: config.HOST, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
