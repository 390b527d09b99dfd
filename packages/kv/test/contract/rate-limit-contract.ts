// Contract: the atomic fixed-window rate limit, and the store's lifecycle.
import { describe, expect, it } from '@jest/globals';
import { UnavailableError } from '@scalegram/contracts/errors';
import type { KeyValueStore } from '../../src/port.ts';
import { sleep } from './sleep.ts';

export function describeRateLimitContract(kv: () => KeyValueStore, makeStore: () => Promise<KeyValueStore>): void {
  describe('rate limit', () => {
    it('admits exactly `limit` of 200 concurrent calls and reports remaining and reset', async () => {
      const options = { limit: 50, windowMs: 5_000 };
      const results = await Promise.all(Array.from({ length: 200 }, () => kv().rateLimit('rl:burst', options)));
      const admitted = results.filter((r) => r.allowed);
      expect(admitted).toHaveLength(50);
      expect(admitted.map((r) => r.remaining).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
      for (const result of results) {
        expect(result.limit).toBe(50);
        expect(result.resetMs).toBeGreaterThan(0);
        expect(result.resetMs).toBeLessThanOrEqual(5_000);
        if (!result.allowed) expect(result.remaining).toBe(0);
      }
    });

    it('starts a new window once the old one has expired', async () => {
      const options = { limit: 2, windowMs: 250 };
      const first = await kv().rateLimit('rl:window', options);
      expect(first).toEqual({ allowed: true, limit: 2, remaining: 1, resetMs: expect.any(Number) });
      expect(first.resetMs).toBeGreaterThan(150);
      expect((await kv().rateLimit('rl:window', options)).remaining).toBe(0);
      const denied = await kv().rateLimit('rl:window', options);
      expect(denied.allowed).toBe(false);
      expect(denied.resetMs).toBeLessThanOrEqual(250);
      await sleep(denied.resetMs + 30);
      const fresh = await kv().rateLimit('rl:window', options);
      expect(fresh.allowed).toBe(true);
      expect(fresh.remaining).toBe(1);
      expect(fresh.resetMs).toBeGreaterThan(150);
    });

    it('keeps separate budgets per key and rejects invalid options', async () => {
      const options = { limit: 1, windowMs: 5_000 };
      expect((await kv().rateLimit('rl:user1', options)).allowed).toBe(true);
      expect((await kv().rateLimit('rl:user1', options)).allowed).toBe(false);
      expect((await kv().rateLimit('rl:user2', options)).allowed).toBe(true);
      await expect(kv().rateLimit('rl:bad', { limit: 0, windowMs: 1000 })).rejects.toThrow(RangeError);
      await expect(kv().rateLimit('rl:bad', { limit: 1, windowMs: 0.5 })).rejects.toThrow(RangeError);
    });

    it('repairs a counter that lost its TTL instead of blocking forever', async () => {
      await kv().set('rl:stuck', '10');
      const result = await kv().rateLimit('rl:stuck', { limit: 5, windowMs: 5_000 });
      expect(result.allowed).toBe(false);
      expect(result.resetMs).toBeGreaterThan(0);
      expect(await kv().ttl('rl:stuck')).toBeGreaterThan(0);
    });
  });

  describe('lifecycle', () => {
    it('ping resolves while open; a closed store fails with UnavailableError, close is idempotent', async () => {
      const other = await makeStore();
      await other.ping();
      await other.close();
      await other.close();
      await expect(other.ping()).rejects.toThrow(UnavailableError);
      await expect(other.get('l:any')).rejects.toThrow(UnavailableError);
      await expect(other.batch().get('l:any').exec()).rejects.toThrow(UnavailableError);
      await kv().ping();
    });
  });
}
