// Redis goes away and comes back: commands must fail fast with UnavailableError while it is gone, and the
// same store must work again once it returns, without being recreated.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { UnavailableError } from '@scalegram/contracts/errors';
import { freePort } from '@scalegram/test-support/free-port';
import { type PrivateRedis, startPrivateRedis } from '@scalegram/test-support/private-redis';
import type { KeyValueStore } from '../src/port.ts';
import { createRedisStore } from '../src/redis-store.ts';

async function eventually(check: () => Promise<void>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

describe('Redis store when the server fails', () => {
  let server: PrivateRedis;
  let kv: KeyValueStore;

  beforeAll(async () => {
    server = await startPrivateRedis();
    kv = await createRedisStore({ url: server.url, keyPrefix: 'fault:' });
  });

  afterAll(async () => {
    await kv.close();
    await server.kill();
  });

  it('fails fast with UnavailableError while the server is down, and recovers when it returns', async () => {
    await kv.set('greeting', 'hello');
    expect(await kv.rateLimit('limit', { limit: 10, windowMs: 60_000 })).toMatchObject({ remaining: 9 });

    await server.kill();
    const started = Date.now();
    await expect(kv.get('greeting')).rejects.toThrow(UnavailableError);
    await expect(kv.set('other', 'x')).rejects.toThrow(UnavailableError);
    await expect(kv.batch().get('greeting').exec()).rejects.toThrow(UnavailableError);
    await expect(kv.rateLimit('limit', { limit: 10, windowMs: 60_000 })).rejects.toThrow(UnavailableError);
    await expect(kv.ping()).rejects.toThrow(UnavailableError);
    expect(Date.now() - started).toBeLessThan(1_000);

    // Same port, empty data (no persistence): the store reconnects by itself.
    await server.start();
    await eventually(() => kv.ping(), 5_000);
    expect(await kv.get('greeting')).toBeNull();
    await kv.set('greeting', 'back');
    expect(await kv.get('greeting')).toBe('back');
    // The restarted server has an empty script cache: EVALSHA must fall back to loading the script.
    expect(await kv.rateLimit('limit', { limit: 10, windowMs: 60_000 })).toMatchObject({ allowed: true, remaining: 9 });
  });

  it('fails a command with UnavailableError when the server hangs, and carries on once it answers', async () => {
    const hung = await createRedisStore({ url: server.url, keyPrefix: 'hung:', commandTimeoutMs: 300 });
    try {
      await hung.set('k', 'v');
      server.pause();
      const started = Date.now();
      await expect(hung.get('k')).rejects.toThrow(UnavailableError);
      expect(Date.now() - started).toBeLessThan(1_500);
      server.resume();
      expect(await hung.get('k')).toBe('v');
    } finally {
      server.resume();
      await hung.close();
    }
  });

  it('refuses to be created against a server that is not there', async () => {
    const nobody = await freePort();
    const started = Date.now();
    await expect(createRedisStore({ url: `redis://127.0.0.1:${nobody}` })).rejects.toThrow(UnavailableError);
    expect(Date.now() - started).toBeLessThan(2_500);
  });
});
