// The `npm start` command itself (system/src/start.ts, as the root script runs it): its usage answers,
// a start of the embedded system to "running" with Swagger UI served, and Ctrl-C stopping everything
// with exit code 0 and the data kept.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freeBase, until } from './support/start-process.ts';

const START = fileURLToPath(new URL('../src/start.ts', import.meta.url));

function run(args: string[]): ChildProcess & { output: () => string; exited: Promise<number | null> } {
  const child = spawn(
    process.execPath,
    [
      '--max-old-space-size=512',
      '--no-wasm-tier-up',
      '--no-wasm-dynamic-tiering',
      '--conditions=@scalegram/source',
      START,
      ...args,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
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

describe('npm start (system/src/start.ts)', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sg-start-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('prints its usage for --help and refuses an unknown option with exit code 2', async () => {
    const help = run(['--help']);
    expect(await help.exited).toBe(0);
    expect(help.output()).toContain('Usage: npm start -- [options]');
    const bad = run(['--bogus']);
    expect(await bad.exited).toBe(2);
    expect(bad.output()).toMatch(/bogus/);
    // --set is checked by the service's own schema before anything starts (nothing written to disk).
    const unknown = run(['--data-dir', join(dataDir, 'never'), '--set', 'feed.CELEBRITY_THRESHOLD=5']);
    expect(await unknown.exited).toBe(2);
    expect(unknown.output()).toContain('feed has no configuration variable CELEBRITY_THRESHOLD');
    const invalid = run(['--data-dir', join(dataDir, 'never'), '--set', 'feed.FEED_CELEBRITY_THRESHOLD=lots']);
    expect(await invalid.exited).toBe(2);
    expect(invalid.output()).toMatch(/feed refuses its configuration:\n {2}- FEED_CELEBRITY_THRESHOLD/);
    expect(existsSync(join(dataDir, 'never'))).toBe(false);
  }, 60_000);

  it('runs the embedded system until Ctrl-C, then stops it cleanly and keeps the data', async () => {
    const base = await freeBase();
    const gateway = base + 80;
    const system = run(['--no-seed', '--data-dir', dataDir, '--port', String(gateway), '--port-base', String(base)]);
    try {
      await until(() => system.output().includes('Scalegram is running') || system.exitCode !== null, 120_000);
      expect(system.output()).toContain(`Gateway      http://localhost:${gateway}`);
      expect(system.output()).toMatch(/Memory {7}\d+ MB resident/);
      // --no-seed: no demo account to advertise, registering comes first.
      expect(system.output()).not.toContain('Demo login');
      expect(system.output()).not.toContain('scalegram-demo');
      expect(system.output()).toContain('/api/v1/auth/register');
      const ready = await fetch(`http://127.0.0.1:${gateway}/readyz`);
      expect(ready.status).toBe(200);
      const docs = await fetch(`http://127.0.0.1:${gateway}/docs/json`);
      expect(docs.status).toBe(200);
      const document = (await docs.json()) as { paths: Record<string, unknown> };
      expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/api/v1/feed', '/api/v1/posts']));
      // A service on the shifted port, not on its default one.
      expect((await fetch(`http://127.0.0.1:${base + 3}/healthz`)).status).toBe(200);
    } finally {
      system.kill('SIGINT');
    }
    expect(await system.exited).toBe(0);
    expect(system.output()).toContain('stopped');
    expect(existsSync(join(dataDir, 'pglite'))).toBe(true);
    expect(existsSync(join(dataDir, 'auth-keys.json'))).toBe(true);
  }, 180_000);
});
