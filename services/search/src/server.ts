// Runs the search service alone: `node --conditions=@scalegram/source src/server.ts`
// (src/service.ts assembles it; kit's runService serves it and stops it on SIGTERM, see
// docs/service-runtime.md).
import { runService } from '@scalegram/kit/run-service';
import { loadSearchConfig } from './config.ts';
import { startSearchService } from './service.ts';

const config = loadSearchConfig();
const app = await startSearchService(config);
await runService({ app, port: config.PORT, host: config.HOST, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
