import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { openKeyValueStore } from '../src/open-store.ts';
import { createRedisStore } from '../src/redis-store.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('openKeyValueStore', () => {
  it('opens Redis when a URL is configured: another client sees the write', async () => {
    const keyPrefix = `test:open:${randomUUID()}:`;
    const store = await openKeyValueStore({ url: REDIS_URL, keyPrefix });
    const observer = await createRedisStore({ url: REDIS_URL, keyPrefix });
    try {
      await store.set('k', 'v', { ttlMs: 10_000 });
      expect(await observer.get('k')).toBe('v');
      await store.del('k');
    } finally {
      await store.close();
      await observer.close();
    }
  });

  it('opens a private in-memory store when no URL is configured', async () => {
    const a = await openKeyValueStore({ keyPrefix: 'x:' });
    const b = await openKeyValueStore({ keyPrefix: 'x:' });
    await a.set('k', 'v');
    expect(await a.get('k')).toBe('v');
    expect(await b.get('k')).toBeNull();
    await a.close();
    await b.close();
  });
});
