// Runs the gateway alone: `node --conditions=@scalegram/source services/gateway/src/server.ts`
// (src/service.ts assembles it; kit's runService serves it until SIGTERM).
import { runService } from '@scalegram/kit/run-service';
import { loadGatewayConfig } from './config.ts';
import { startGatewayService } from './service.ts';

const config = loadGatewayConfig();
const app = await startGatewayService(config);
await runService({ app, port: config.PORT, host: config.HOST, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
