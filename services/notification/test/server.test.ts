// server.ts as a real process in embedded mode (no URLs configured): it migrates, serves an SSE stream,
// and on SIGTERM fails readiness, ends the open stream (so its client reconnects elsewhere) and exits 0.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { newId } from './support/notification-harness.ts';
import { openSse } from './support/sse-client.ts';
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
  it('serves a stream and, on SIGTERM, ends it and exits 0', async () => {
    const port = await freePort();
    const { NODE_OPTIONS: _jestOnly, DATABASE_URL: _a, NATS_URL: _b, ...env } = process.env;
    const child = spawn(process.execPath, ['--conditions=@scalegram/source', 'src/server.ts'], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: {
        ...env,
        PORT: String(port),
        HOST: '127.0.0.1',
        JWKS_URL: tokens.jwksUrl,
        AUTH_ISSUER: TEST_ISSUER,
        LOG_LEVEL: 'warn',
        SSE_HEARTBEAT_MS: '200',
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

    const client = await openSse(`${base}/api/v1/notifications/stream`, {
      authorization: `Bearer ${await tokens.userToken(newId())}`,
    });
    expect(client.status).toBe(200);
    await client.until((c) => c.comments.includes('ping'));

    child.kill('SIGTERM');
    await client.ended;
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
  }, 60_000);
});
