// Runs the post service alone: `node --conditions=@scalegram/source src/server.ts`
// (src/service.ts assembles it; kit's runService serves it and stops it on SIGTERM, see
// docs/service-runtime.md).
import { runService } from '@scalegram/kit/run-service';
import { loadPostConfig } from './config.ts';
import { startPostService } from './service.ts';

const config = loadPostConfig();
const app = await startPostService(config);
await runService({ app, port: config.PORT, host: config.HOST, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
