// The service-process harness runs a real entry point, waits for /readyz, and reports its exit code.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startServiceProcess } from '../src/service-process.ts';

let dir: string;

// A tiny server: not ready for its first 300 ms, then ready; exits 0 on SIGTERM, 3 on request.
const SERVER = `
import { createServer } from 'node:http';
const started = Date.now();
const server = createServer((request, response) => {
  if (request.url === '/readyz') response.writeHead(Date.now() - started > 300 ? 200 : 503).end();
  else if (request.url === '/env') response.end(JSON.stringify({ mode: process.env.MODE ?? null, opts: process.env.NODE_OPTIONS ?? null }));
  else response.writeHead(404).end();
});
server.listen(Number(process.env.PORT), process.env.HOST);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sg-support-process-'));
  await writeFile(join(dir, 'server.mjs'), SERVER);
  await writeFile(join(dir, 'crash.mjs'), 'console.error("boom"); process.exit(3);');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('service process', () => {
  it('becomes ready, gets its environment without NODE_OPTIONS, exits 0 on SIGTERM', async () => {
    const service = await startServiceProcess({ entry: 'server.mjs', cwd: dir, env: { MODE: 'embedded' } });
    await service.ready;
    const env = (await (await fetch(`${service.url}/env`)).json()) as { mode: string; opts: string | null };
    expect(env).toEqual({ mode: 'embedded', opts: null });
    expect(await service.stop()).toBe(0);
  });

  it('rejects `ready` with the output when the process exits first', async () => {
    const service = await startServiceProcess({ entry: 'crash.mjs', cwd: dir });
    await expect(service.ready).rejects.toThrow(/exited with 3:\s+boom/);
    expect(service.stderr()).toBe('boom\n');
    expect(await service.stop()).toBe(3);
  });
});
