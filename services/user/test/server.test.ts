// server.ts as a real process in embedded mode (no URLs configured): it opens the adapters, migrates,
// starts the relay, serves, and on SIGTERM stops everything and exits 0.
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

describe('server.ts', () => {
  it('starts in embedded mode, answers with a verified token, and shuts down cleanly on SIGTERM', async () => {
    const port = await freePort();
    const { NODE_OPTIONS: _jestOnly, DATABASE_URL: _a, REDIS_URL: _b, NATS_URL: _c, ...env } = process.env;
    const child = spawn(process.execPath, ['--conditions=@scalegram/source', 'src/server.ts'], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: {
        ...env,
        PORT: String(port),
        HOST: '127.0.0.1',
        JWKS_URL: tokens.jwksUrl,
        AUTH_ISSUER: TEST_ISSUER,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const base = `http://127.0.0.1:${port}`;
    // Generous: PGlite boots and migrates first, and CI runs other suites on the same two cores.
    const deadline = Date.now() + 40_000;
    let ready = false;
    while (!ready && Date.now() < deadline) {
      ready = await fetch(`${base}/readyz`)
        .then((response) => response.ok)
        .catch(() => false);
      if (!ready) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect({ ready, stderr }).toEqual({ ready: true, stderr: '' });

    const service = { authorization: `Bearer ${await tokens.serviceToken()}` };
    const created = await fetch(`${base}/internal/users/42`, {
      method: 'PUT',
      headers: { ...service, 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'server_smoke' }),
    });
    expect(created.status).toBe(201);
    const me = await fetch(`${base}/api/v1/users/me`, {
      headers: { authorization: `Bearer ${await tokens.userToken('42')}` },
    });
    expect(((await me.json()) as { username: string }).username).toBe('server_smoke');

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);
});
