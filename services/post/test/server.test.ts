// server.ts as a real process in embedded mode (no POST_DATABASE_URLS, no NATS_URL): one PGlite, the
// in-process bus. It migrates, serves posts with a verified token, and exits 0 on SIGTERM.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startServiceProcess } from '@scalegram/test-support/service-process';
import { startTokenIssuer, TEST_ISSUER, type TokenIssuer } from '@scalegram/test-support/token-issuer';

let tokens: TokenIssuer;

beforeAll(async () => {
  tokens = await startTokenIssuer();
});

afterAll(async () => {
  await tokens.close();
});

describe('server.ts (embedded mode)', () => {
  it('starts on PGlite, creates and reads a post, and shuts down cleanly on SIGTERM', async () => {
    const server = await startServiceProcess({
      entry: 'src/server.ts',
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      unset: ['POST_DATABASE_URLS', 'NATS_URL'],
      env: {
        JWKS_URL: tokens.jwksUrl,
        AUTH_ISSUER: TEST_ISSUER,
        // Never called: the post below has no media.
        MEDIA_SERVICE_URL: 'http://127.0.0.1:9',
      },
      // Generous: PGlite boots and migrates first, and other suites share the two cores.
      readyTimeoutMs: 50_000,
    });
    const base = server.url;
    await server.ready;
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

    expect(await server.stop()).toBe(0);
  }, 70_000);
});
