// Runs the media service alone: `node --conditions=@scalegram/source src/server.ts`
// (src/service.ts assembles it; kit's runService serves it and stops it on SIGTERM, see
// docs/service-runtime.md).
import { runService } from '@scalegram/kit/run-service';
import { startOrExit } from '@scalegram/kit/start-or-exit';
import { loadMediaConfig } from './config.ts';
import { startMediaService } from './service.ts';

// A configuration problem (or another system's stream on our subjects) exits 78 with one clear line.
const { config, app } = await startOrExit('media', async () => {
  const config = loadMediaConfig();
  return { config, app: await startMediaService(config) };
});
await runService({ app, port: config.PORT, host: config.HOST, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
