// Runs the feed API alone: `node --conditions=@scalegram/source src/server.ts` (port 3006 by convention).
import { runService } from '@scalegram/kit/run-service';
import { loadFeedConfig } from './config.ts';
import { startFeedService } from './service.ts';

const config = loadFeedConfig();
const app = await startFeedService(config);
await runService({ app, port: config.PORT, host: config.HOST, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
