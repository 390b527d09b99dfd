// Runs the user service alone: `node --conditions=@scalegram/source src/server.ts`
// (src/service.ts assembles it; kit's runService serves it and stops it on SIGTERM, see
// docs/service-runtime.md).
import { runService } from '@scalegram/kit/run-service';
import { loadUserConfig } from './config.ts';
import { startUserService } from './service.ts';

const config = loadUserConfig();
const app = await startUserService(config);
await runService({ app, port: config.PORT, host: config.HOST, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
