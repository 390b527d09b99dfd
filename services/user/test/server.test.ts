// server.ts as a real process in embedded mode (no URLs configured): it opens the adapters, migrates,
// starts the relay, serves, and on SIGTERM stops everything and exits 0.
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

describe('server.ts', () => {
  it('starts in embedded mode, answers with a verified token, and shuts down cleanly on SIGTERM', async () => {
    const server = await startServiceProcess({
      entry: 'src/server.ts',
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      unset: ['DATABASE_URL', 'REDIS_URL', 'NATS_URL'],
      env: { JWKS_URL: tokens.jwksUrl, AUTH_ISSUER: TEST_ISSUER },
    });
    const base = server.url;
    // PGlite boots and migrates first, and CI runs other suites on the same two cores.
    await server.ready;
    expect(server.stderr()).toBe('');

    const service = { authorization: `Bearer ${await tokens.serviceToken('users:write')}` };
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

    expect(await server.stop()).toBe(0);
  }, 60_000);
});
