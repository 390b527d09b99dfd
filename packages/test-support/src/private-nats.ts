// A private nats-server with JetStream on a free port and its own store directory, for the tests that
// kill or restart the broker (or use production stream names): the shared one on :4222 is never touched.
// A restart keeps the store, as a real broker restart does. NATS_SERVER_BIN names another binary.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';
import { type PrivateProcess, startPrivateProcess } from './private-process.ts';

export interface PrivateNats extends PrivateProcess {
  /** Stops the server (if running) and deletes its store. */
  destroy(): Promise<void>;
}

export async function startPrivateNats(): Promise<PrivateNats> {
  const port = await freePort();
  const storeDir = await mkdtemp(join(tmpdir(), 'sg-private-nats-'));
  const server = await startPrivateProcess(port, `nats://127.0.0.1:${port}`, () => ({
    what: 'nats-server',
    command: process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server',
    args: ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir],
    ready: /Server is ready/,
  }));
  return {
    ...server,
    async destroy() {
      await server.stop();
      await rm(storeDir, { recursive: true, force: true });
    },
  };
}
