// src/server.ts and src/worker.ts as real processes in embedded mode (no REDIS_URL, no NATS_URL): each
// becomes ready, the API refuses an anonymous caller and publishes its OpenAPI document, the worker
// serves its metrics, and both exit 0 on SIGTERM.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTokenIssuer, TEST_ISSUER, type TokenIssuer } from './support/token-issuer.ts';

let tokens: TokenIssuer;

beforeAll(async () => {
  tokens = await startTokenIssuer();
});

afterAll(async () => {
  await tokens.close();
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function run(entry: string, check: (base: string) => Promise<void>): Promise<void> {
  const port = await freePort();
  const { NODE_OPTIONS: _jestOnly, REDIS_URL: _a, NATS_URL: _b, ...env } = process.env;
  const child = spawn(process.execPath, ['--conditions=@scalegram/source', entry], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: {
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      JWKS_URL: tokens.jwksUrl,
      AUTH_ISSUER: TEST_ISSUER,
      USER_SERVICE_URL: 'http://127.0.0.1:9',
      POST_SERVICE_URL: 'http://127.0.0.1:9',
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ready = await fetch(`${base}/readyz`).catch(() => undefined);
    if (ready?.status === 200) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${entry} did not become ready: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  try {
    await check(base);
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
}

describe('entry points (embedded mode)', () => {
  it('server.ts serves the feed route and exits cleanly', async () => {
    await run('src/server.ts', async (base) => {
      expect((await fetch(`${base}/api/v1/feed`)).status).toBe(401);
      const openapi = (await (await fetch(`${base}/openapi.json`)).json()) as { paths: object };
      expect(Object.keys(openapi.paths)).toContain('/api/v1/feed');
    });
  }, 40_000);

  it('worker.ts serves probes and metrics only, and exits cleanly', async () => {
    await run('src/worker.ts', async (base) => {
      expect((await fetch(`${base}/metrics`)).status).toBe(200);
      expect((await fetch(`${base}/api/v1/feed`)).status).toBe(404);
    });
  }, 40_000);
});
