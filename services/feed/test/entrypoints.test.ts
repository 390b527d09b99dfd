// src/server.ts and src/worker.ts as real processes in embedded mode (no REDIS_URL, no NATS_URL): each
// becomes ready, the API refuses an anonymous caller and publishes its OpenAPI document, the worker
// serves its metrics, and both exit 0 on SIGTERM.
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

async function run(entry: string, check: (base: string) => Promise<void>): Promise<void> {
  const server = await startServiceProcess({
    entry,
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    unset: ['REDIS_URL', 'NATS_URL'],
    env: {
      JWKS_URL: tokens.jwksUrl,
      AUTH_ISSUER: TEST_ISSUER,
      USER_SERVICE_URL: 'http://127.0.0.1:9',
      POST_SERVICE_URL: 'http://127.0.0.1:9',
      LOG_LEVEL: 'error',
    },
    readyTimeoutMs: 20_000,
  });
  try {
    await server.ready;
    await check(server.url);
  } finally {
    expect(await server.stop()).toBe(0);
  }
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
