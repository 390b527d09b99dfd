// Runs the feed API alone: `node --conditions=@scalegram/source src/server.ts` (port 3006 by convention).
import { runService } from '@scalegram/kit/run-service';
import { startOrExit } from '@scalegram/kit/start-or-exit';
import { loadFeedConfig } from './config.ts';
import { startFeedService } from './service.ts';

// A configuration problem (or another system's stream on our subjects) exits 78 with one clear line.
const { config, app } = await startOrExit('feed', async () => {
  const config = loadFeedConfig();
  return { config, app: await startFeedService(config) };
});
await runService({ app, port: config.PORT, host: config.HOST, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
