// server.ts as a real process in embedded mode (no URLs configured, DATA_DIR set): it creates the index,
// serves a verified request, and on SIGTERM stops the consumer and writes the index snapshot, exit 0.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startServiceProcess } from '@scalegram/test-support/service-process';
import { startTokenIssuer, TEST_ISSUER, type TokenIssuer } from '@scalegram/test-support/token-issuer';

let tokens: TokenIssuer;
let dataDir: string;

beforeAll(async () => {
  tokens = await startTokenIssuer();
  dataDir = await mkdtemp(join(tmpdir(), 'scalegram-search-server-'));
});

afterAll(async () => {
  await tokens.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('server.ts', () => {
  it('starts in embedded mode, answers with a verified token, and shuts down cleanly on SIGTERM', async () => {
    const server = await startServiceProcess({
      entry: 'src/server.ts',
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      unset: ['NATS_URL', 'QDRANT_URL'],
      env: { DATA_DIR: dataDir, JWKS_URL: tokens.jwksUrl, AUTH_ISSUER: TEST_ISSUER },
    });
    const base = server.url;
    await server.ready;
    expect(server.stderr()).toBe('');

    const anonymous = await fetch(`${base}/api/v1/search/posts?q=tomatoes`);
    expect(anonymous.status).toBe(401);
    const search = await fetch(`${base}/api/v1/search/posts?q=tomatoes`, {
      headers: { authorization: `Bearer ${await tokens.userToken('42')}` },
    });
    expect(search.status).toBe(200);
    expect(await search.json()).toEqual({ items: [] });

    expect(await server.stop()).toBe(0);
    expect((await readdir(join(dataDir, 'search-index'))).sort()).toEqual([
      'aliases.json',
      'posts--hashing-v1-384--initial.sgvec',
      'posts-tombstones.sgvec',
    ]);
  }, 60_000);
});
