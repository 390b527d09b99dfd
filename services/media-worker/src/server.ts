// Runs the media worker alone: `node --conditions=@scalegram/source src/server.ts`
// (src/service.ts assembles it; kit's runService serves /healthz, /readyz and /metrics and stops it on
// SIGTERM, letting the job in progress finish).
import { runService } from '@scalegram/kit/run-service';
import { loadMediaWorkerConfig } from './config.ts';
import { startMediaWorkerService } from './service.ts';

const config = loadMediaWorkerConfig();
const app = await startMediaWorkerService(config);
await runService({ app, port: config.PORT, host: config.HOST, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
