// Boot-time configuration: fail fast without signing keys; the development key file is generated
// once with mode 0600 and reused; the rotate-keys command rotates it in place.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConfigError } from '@scalegram/kit/config';
import { loadAuthConfig, settingsFromConfig } from '../src/config.ts';
import { parseKeyRing } from '../src/keys/key-ring.ts';
import { readKeyRingFile, resolveKeyRing } from '../src/keys/key-ring-source.ts';

const run = promisify(execFile);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'auth-keys-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('configuration', () => {
  it('refuses to start without AUTH_SIGNING_KEYS or AUTH_KEYS_FILE', () => {
    expect(() => loadAuthConfig({})).toThrow(ConfigError);
    expect(() => loadAuthConfig({})).toThrow(/AUTH_SIGNING_KEYS .* or AUTH_KEYS_FILE/);
  });

  it('applies the documented defaults', () => {
    const config = loadAuthConfig({ AUTH_KEYS_FILE: '/tmp/x.json', TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' });
    const settings = settingsFromConfig(config);
    expect(settings).toMatchObject({
      issuer: 'scalegram-auth',
      accessTtlSeconds: 900,
      refreshTtlSeconds: 2_592_000,
      limits: {
        loginPerUsername: { limit: 5, windowMs: 900_000 },
        loginPerAddress: { limit: 20, windowMs: 60_000 },
      },
      trustProxy: ['10.0.0.0/8', '127.0.0.1'],
    });
  });
});

describe('key ring sources', () => {
  it('generates the development key file once, mode 0600, and reuses it', async () => {
    const file = join(dir, 'nested', 'keys.json');
    const first = await resolveKeyRing({ keysFile: file });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const second = await resolveKeyRing({ keysFile: file });
    expect(second).toEqual(first);
  });

  it('prefers AUTH_SIGNING_KEYS and validates it', async () => {
    const ring = await resolveKeyRing({ keysFile: join(dir, 'other.json') });
    expect(await resolveKeyRing({ signingKeys: JSON.stringify(ring), keysFile: '/nonexistent/x.json' })).toEqual(ring);
    await expect(resolveKeyRing({ signingKeys: '{"keys":[]}' })).rejects.toThrow(/Ed25519/);
  });

  it('rotate-keys adds an active key and retires the previous one', async () => {
    const file = join(dir, 'rotate.json');
    const before = await resolveKeyRing({ keysFile: file });
    const { stdout } = await run(
      process.execPath,
      ['--conditions=@scalegram/source', 'src/rotate-keys.ts', file, '900'],
      {
        cwd: new URL('..', import.meta.url).pathname,
      },
    );
    const after = await readKeyRingFile(file);
    parseKeyRing(JSON.stringify(after));
    expect(after.keys).toHaveLength(2);
    const active = after.keys.find((key) => key.retiredAt === undefined);
    expect(active?.kid).not.toBe(before.keys[0]?.kid);
    expect(after.keys.find((key) => key.kid === before.keys[0]?.kid)?.retiredAt).toBeDefined();
    expect(stdout).toContain(active?.kid);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });
});
