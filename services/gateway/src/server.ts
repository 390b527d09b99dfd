// Runs the gateway alone: `node --conditions=@scalegram/source services/gateway/src/server.ts`
// (src/service.ts assembles it; kit's runService serves it until SIGTERM).
import { runService } from '@scalegram/kit/run-service';
import { startOrExit } from '@scalegram/kit/start-or-exit';
import { loadGatewayConfig } from './config.ts';
import { startGatewayService } from './service.ts';

// A configuration problem (or another system's stream on our subjects) exits 78 with one clear line.
const { config, app } = await startOrExit('gateway', async () => {
  const config = loadGatewayConfig();
  return { config, app: await startGatewayService(config) };
});
await runService({ app, port: config.PORT, host: config.HOST, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
