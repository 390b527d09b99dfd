// Contract: strings, TTLs, counters, hashes, and type errors.
import { describe, expect, it } from '@jest/globals';
import { NotIntegerError, WrongTypeError } from '../../src/errors.ts';
import type { KeyValueStore } from '../../src/port.ts';
import { sleep } from './sleep.ts';

export function describeStringContract(kv: () => KeyValueStore): void {
  describe('strings', () => {
    it('gets what was set, and null for a missing key', async () => {
      expect(await kv().set('s:a', 'hello')).toBe(true);
      expect(await kv().get('s:a')).toBe('hello');
      expect(await kv().get('s:missing')).toBeNull();
      expect(await kv().set('s:a', 'héllo 😀')).toBe(true);
      expect(await kv().get('s:a')).toBe('héllo 😀');
    });

    it('onlyIfAbsent writes only when the key does not exist (NX)', async () => {
      expect(await kv().set('s:nx', 'first', { onlyIfAbsent: true })).toBe(true);
      expect(await kv().set('s:nx', 'second', { onlyIfAbsent: true })).toBe(false);
      expect(await kv().get('s:nx')).toBe('first');
    });

    it('mget returns values in key order, null for missing keys and for keys of another type', async () => {
      await kv().set('s:m1', 'one');
      await kv().set('s:m2', 'two');
      await kv().hset('s:mhash', { f: 'v' });
      expect(await kv().mget(['s:m2', 's:nope', 's:m1', 's:mhash'])).toEqual(['two', null, 'one', null]);
    });

    it('del removes keys of any type and counts the ones that existed', async () => {
      await kv().set('s:d1', 'x');
      await kv().hset('s:d2', { f: 'v' });
      await kv().zadd('s:d3', [{ member: 'm', score: 1 }]);
      expect(await kv().del('s:d1', 's:d2', 's:d3', 's:d4')).toBe(3);
      expect(await kv().mget(['s:d1', 's:d2', 's:d3'])).toEqual([null, null, null]);
      expect(await kv().del('s:d1')).toBe(0);
    });

    it('set overwrites a key holding another type', async () => {
      await kv().hset('s:over', { f: 'v' });
      expect(await kv().set('s:over', 'now a string')).toBe(true);
      expect(await kv().get('s:over')).toBe('now a string');
    });

    it('rejects empty key lists and bad TTLs before touching anything', async () => {
      await expect(kv().mget([])).rejects.toThrow(RangeError);
      await expect(kv().del()).rejects.toThrow(RangeError);
      await expect(kv().set('s:bad', 'x', { ttlMs: 0 })).rejects.toThrow(RangeError);
      await expect(kv().set('s:bad', 'x', { ttlMs: 1.5 })).rejects.toThrow(RangeError);
      await expect(kv().expire('s:bad', -1)).rejects.toThrow(RangeError);
      expect(await kv().get('s:bad')).toBeNull();
    });
  });

  describe('time to live', () => {
    it('reports -2 for a missing key, -1 without a TTL, the remaining ms with one', async () => {
      expect(await kv().ttl('t:missing')).toBe(-2);
      await kv().set('t:plain', 'x');
      expect(await kv().ttl('t:plain')).toBe(-1);
      await kv().set('t:timed', 'x', { ttlMs: 10_000 });
      const ttl = await kv().ttl('t:timed');
      expect(ttl).toBeGreaterThan(9_000);
      expect(ttl).toBeLessThanOrEqual(10_000);
    });

    it('a key with a TTL disappears once it has passed', async () => {
      await kv().set('t:short', 'x', { ttlMs: 100 });
      expect(await kv().get('t:short')).toBe('x');
      await sleep(150);
      expect(await kv().get('t:short')).toBeNull();
      expect(await kv().ttl('t:short')).toBe(-2);
      expect(await kv().set('t:short', 'again', { onlyIfAbsent: true })).toBe(true);
    });

    it('expire sets a TTL on an existing key only, and applies to hashes and sorted sets', async () => {
      expect(await kv().expire('t:nothing', 1_000)).toBe(false);
      await kv().hset('t:hash', { f: 'v' });
      await kv().zadd('t:zset', [{ member: 'm', score: 1 }]);
      expect(await kv().expire('t:hash', 100)).toBe(true);
      expect(await kv().expire('t:zset', 100)).toBe(true);
      await sleep(150);
      expect(await kv().hgetall('t:hash')).toEqual({});
      expect(await kv().zcard('t:zset')).toBe(0);
    });

    it('a plain set clears the TTL; incrBy and hset keep it', async () => {
      await kv().set('t:cleared', 'x', { ttlMs: 10_000 });
      await kv().set('t:cleared', 'y');
      expect(await kv().ttl('t:cleared')).toBe(-1);
      await kv().set('t:counter', '1', { ttlMs: 10_000 });
      await kv().incrBy('t:counter', 1);
      expect(await kv().ttl('t:counter')).toBeGreaterThan(0);
      await kv().hset('t:h', { a: '1' });
      await kv().expire('t:h', 10_000);
      await kv().hset('t:h', { b: '2' });
      expect(await kv().ttl('t:h')).toBeGreaterThan(0);
    });
  });

  describe('counters', () => {
    it('incrBy starts a missing key at 0 and adds atomically, negative steps included', async () => {
      expect(await kv().incrBy('c:a', 5)).toBe(5);
      expect(await kv().incrBy('c:a', -7)).toBe(-2);
      expect(await kv().get('c:a')).toBe('-2');
      const results = await Promise.all(Array.from({ length: 100 }, () => kv().incrBy('c:race', 1)));
      expect(new Set(results).size).toBe(100);
      expect(await kv().get('c:race')).toBe('100');
    });

    it('incrBy on a value that is not a canonical 64-bit integer fails with NotIntegerError', async () => {
      for (const value of ['abc', '1.5', '007', ' 1', '+1', '', '9223372036854775808']) {
        await kv().set('c:bad', value);
        await expect(kv().incrBy('c:bad', 1)).rejects.toThrow(NotIntegerError);
        expect(await kv().get('c:bad')).toBe(value);
      }
    });

    it('incrBy that would overflow 64 bits fails with NotIntegerError', async () => {
      await kv().set('c:max', '9223372036854775807');
      await expect(kv().incrBy('c:max', 1)).rejects.toThrow(NotIntegerError);
      await kv().set('c:min', '-9223372036854775807');
      expect(await kv().incrBy('c:min', -1)).toBe(-(2 ** 63)); // exactly representable
      expect(await kv().get('c:min')).toBe('-9223372036854775808');
    });

    it('rejects a non-integer step', async () => {
      await expect(kv().incrBy('c:step', 0.5)).rejects.toThrow(RangeError);
    });
  });

  describe('hashes', () => {
    it('hset counts new fields, hget and hgetall read them back', async () => {
      expect(await kv().hset('h:a', { name: 'ada', lang: 'en' })).toBe(2);
      expect(await kv().hset('h:a', { lang: 'fr', city: 'Paris' })).toBe(1);
      expect(await kv().hget('h:a', 'lang')).toBe('fr');
      expect(await kv().hget('h:a', 'nope')).toBeNull();
      expect(await kv().hget('h:missing', 'x')).toBeNull();
      expect(await kv().hgetall('h:a')).toEqual({ name: 'ada', lang: 'fr', city: 'Paris' });
      expect(await kv().hgetall('h:missing')).toEqual({});
    });

    it('hdel counts removed fields and deletes the hash once empty', async () => {
      await kv().hset('h:d', { a: '1', b: '2' });
      expect(await kv().hdel('h:d', 'a', 'zzz')).toBe(1);
      expect(await kv().ttl('h:d')).toBe(-1);
      expect(await kv().hdel('h:d', 'b')).toBe(1);
      expect(await kv().ttl('h:d')).toBe(-2);
      expect(await kv().hdel('h:d', 'b')).toBe(0);
    });

    it('hincrBy counts atomically and rejects non-integer fields', async () => {
      expect(await kv().hincrBy('h:n', 'likes', 3)).toBe(3);
      await Promise.all(Array.from({ length: 50 }, () => kv().hincrBy('h:n', 'likes', 1)));
      expect(await kv().hget('h:n', 'likes')).toBe('53');
      await kv().hset('h:n', { text: 'hello' });
      await expect(kv().hincrBy('h:n', 'text', 1)).rejects.toThrow(NotIntegerError);
    });
  });

  describe('wrong types', () => {
    it('reading or writing a key as the wrong type fails with WrongTypeError', async () => {
      await kv().set('w:string', 'x');
      await kv().hset('w:hash', { f: 'v' });
      await kv().zadd('w:zset', [{ member: 'm', score: 1 }]);
      await expect(kv().hget('w:string', 'f')).rejects.toThrow(WrongTypeError);
      await expect(kv().zadd('w:string', [{ member: 'm', score: 1 }])).rejects.toThrow(WrongTypeError);
      await expect(kv().get('w:hash')).rejects.toThrow(WrongTypeError);
      await expect(kv().incrBy('w:hash', 1)).rejects.toThrow(WrongTypeError);
      await expect(kv().zrange('w:hash', 0, -1)).rejects.toThrow(WrongTypeError);
      await expect(kv().hgetall('w:zset')).rejects.toThrow(WrongTypeError);
      await expect(kv().rateLimit('w:zset', { limit: 1, windowMs: 1000 })).rejects.toThrow(WrongTypeError);
    });
  });
}
