// server.ts as a real process in embedded mode (no URLs configured): it migrates, serves an SSE stream,
// and on SIGTERM fails readiness, ends the open stream (so its client reconnects elsewhere) and exits 0.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startServiceProcess } from '@scalegram/test-support/service-process';
import { startTokenIssuer, TEST_ISSUER, type TokenIssuer } from '@scalegram/test-support/token-issuer';
import { newId } from './support/notification-harness.ts';
import { openSse } from './support/sse-client.ts';

let tokens: TokenIssuer;

beforeAll(async () => {
  tokens = await startTokenIssuer();
});

afterAll(async () => {
  await tokens.close();
});

describe('server.ts', () => {
  it('serves a stream and, on SIGTERM, ends it and exits 0', async () => {
    const server = await startServiceProcess({
      entry: 'src/server.ts',
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      unset: ['DATABASE_URL', 'NATS_URL'],
      env: { SSE_HEARTBEAT_MS: '200', JWKS_URL: tokens.jwksUrl, AUTH_ISSUER: TEST_ISSUER },
    });
    const base = server.url;
    // Generous: PGlite boots and migrates first, and CI runs other suites on the same two cores.
    await server.ready;
    expect(server.stderr()).toBe('');

    const client = await openSse(`${base}/api/v1/notifications/stream`, {
      authorization: `Bearer ${await tokens.userToken(newId())}`,
    });
    expect(client.status).toBe(200);
    await client.until((c) => c.comments.includes('ping'));

    const stopped = server.stop();
    await client.ended;
    expect(await stopped).toBe(0);
    expect(server.stderr()).toBe('');
  }, 60_000);
});
