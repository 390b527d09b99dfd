// `npm start` as a person runs it (system/src/start.ts in its own process), for the tests that drive the
// command itself: its output, its exit code, and a free port range for --port-base.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const START = fileURLToPath(new URL('../../src/start.ts', import.meta.url));

export type StartProcess = ChildProcess & { output: () => string; exited: Promise<number | null> };

export function runStart(args: string[], env: NodeJS.ProcessEnv = process.env): StartProcess {
  const { NODE_OPTIONS: _jestOnly, ...inherited } = env;
  const child = spawn(
    process.execPath,
    ['--max-old-space-size=512', '--conditions=@scalegram/source', START, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'], env: inherited },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return Object.assign(child, { output: () => output, exited });
}

async function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A base whose +1 … +9 (the services), +101 … +109 (second replicas) and +80 (the gateway) are all free.
 * `avoid` keeps two systems of one test apart.
 */
export async function freeBase(avoid: readonly number[] = []): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    if (avoid.some((other) => Math.abs(other - base) < 200)) continue;
    const ports = [
      ...Array.from({ length: 9 }, (_, i) => base + 1 + i),
      ...Array.from({ length: 9 }, (_, i) => base + 101 + i),
      base + 80,
    ];
    if ((await Promise.all(ports.map(isFree))).every(Boolean)) return base;
  }
  throw new Error('no free port range');
}

export async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
