// A private redis-server without persistence on a free port, for the tests that flush, stall or kill
// Redis: the shared one on :6379 must never see that. REDIS_SERVER_BIN names another binary.
import { freePort } from './free-port.ts';
import { type PrivateProcess, startPrivateProcess } from './private-process.ts';

export type PrivateRedis = PrivateProcess;

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  return startPrivateProcess(port, `redis://127.0.0.1:${port}`, () => ({
    what: 'redis-server',
    command: process.env.REDIS_SERVER_BIN ?? 'redis-server',
    args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    ready: /Ready to accept connections/,
  }));
}
