// Private NATS and Redis servers on free ports for the local-mode journeys: the system under test gets
// stores of its own (clean streams, clean keys) and the shared servers on :4222 and :6379 are never
// touched. The binaries are the ones installed on the machine (NATS_SERVER_BIN, REDIS_SERVER_BIN).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PrivateServer {
  url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function launch(command: string, args: string[], ready: RegExp, what: string): Promise<ChildProcess> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start: ${log}`)), 15_000);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (ready.test(log)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}: ${log}`));
    });
  });
  child.removeAllListeners('exit');
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export async function startPrivateNats(): Promise<PrivateServer> {
  const port = await freePort();
  const storeDir = await mkdtemp(join(tmpdir(), 'sg-e2e-nats-'));
  const child = await launch(
    process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server',
    ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir],
    /Server is ready/,
    'nats-server',
  );
  return {
    url: `nats://127.0.0.1:${port}`,
    async stop() {
      await stopChild(child);
      await rm(storeDir, { recursive: true, force: true });
    },
  };
}

export async function startPrivateRedis(): Promise<PrivateServer> {
  const port = await freePort();
  const child = await launch(
    process.env.REDIS_SERVER_BIN ?? 'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    /Ready to accept connections/,
    'redis-server',
  );
  return { url: `redis://127.0.0.1:${port}`, stop: () => stopChild(child) };
}
