// server.ts as a real process in embedded mode (no POST_DATABASE_URLS, no NATS_URL): one PGlite, the
// in-process bus. It migrates, serves posts with a verified token, and exits 0 on SIGTERM.
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

describe('server.ts (embedded mode)', () => {
  it('starts on PGlite, creates and reads a post, and shuts down cleanly on SIGTERM', async () => {
    const port = await freePort();
    const { NODE_OPTIONS: _jestOnly, POST_DATABASE_URLS: _a, NATS_URL: _b, ...env } = process.env;
    const child = spawn(process.execPath, ['--conditions=@scalegram/source', 'src/server.ts'], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: {
        ...env,
        PORT: String(port),
        HOST: '127.0.0.1',
        JWKS_URL: tokens.jwksUrl,
        AUTH_ISSUER: TEST_ISSUER,
        // Never called: the post below has no media.
        MEDIA_SERVICE_URL: 'http://127.0.0.1:9',
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
    // Generous: PGlite boots and migrates first, and other suites share the two cores.
    const deadline = Date.now() + 25_000;
    for (;;) {
      const ready = await fetch(`${base}/readyz`).catch(() => undefined);
      if (ready?.status === 200) break;
      if (Date.now() > deadline) throw new Error(`server did not become ready: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const headers = { authorization: `Bearer ${await tokens.userToken('4242')}`, 'content-type': 'application/json' };
    const created = await fetch(`${base}/api/v1/posts`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ text: 'embedded 👩‍👩‍👧' }),
    });
    expect(created.status).toBe(201);
    const post = (await created.json()) as { id: string; authorId: string };
    expect(post.authorId).toBe('4242');
    const read = await fetch(`${base}${created.headers.get('location')}`, { headers });
    expect(await read.json()).toMatchObject({ id: post.id, text: 'embedded 👩‍👩‍👧' });
    const timeline = await fetch(`${base}/api/v1/users/4242/posts`, { headers });
    expect(((await timeline.json()) as { items: unknown[] }).items).toHaveLength(1);
    const openapi = await fetch(`${base}/openapi.json`);
    expect(Object.keys(((await openapi.json()) as { paths: object }).paths)).toEqual(
      expect.arrayContaining(['/api/v1/posts', '/api/v1/posts/{id}/comments/{commentId}', '/internal/posts/batch']),
    );

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 40_000);
});
