// server.ts as a real process in embedded mode (no URLs configured, DATA_DIR set): it creates the index,
// serves a verified request, and on SIGTERM stops the consumer and writes the index snapshot, exit 0.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTokenIssuer, TEST_ISSUER, type TokenIssuer } from './support/token-issuer.ts';

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
    const { NODE_OPTIONS: _jestOnly, NATS_URL: _a, QDRANT_URL: _b, ...env } = process.env;
    const child = spawn(process.execPath, ['--conditions=@scalegram/source', 'src/server.ts'], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: {
        ...env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
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
    const deadline = Date.now() + 30_000;
    let ready = false;
    while (!ready && Date.now() < deadline) {
      ready = await fetch(`${base}/readyz`)
        .then((response) => response.ok)
        .catch(() => false);
      if (!ready) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect({ ready, stderr }).toEqual({ ready: true, stderr: '' });

    const anonymous = await fetch(`${base}/api/v1/search/posts?q=tomatoes`);
    expect(anonymous.status).toBe(401);
    const search = await fetch(`${base}/api/v1/search/posts?q=tomatoes`, {
      headers: { authorization: `Bearer ${await tokens.userToken('42')}` },
    });
    expect(search.status).toBe(200);
    expect(await search.json()).toEqual({ items: [] });

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect((await readdir(join(dataDir, 'search-index'))).sort()).toEqual([
      'aliases.json',
      'posts--hashing-v1-384--initial.sgvec',
      'posts-tombstones.sgvec',
    ]);
  }, 60_000);
});
