// The key-value contract: one suite, run unchanged against every adapter. It is the proof that the
// in-memory store behaves like Redis, so every expectation here is Redis's documented behaviour.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { UnavailableError } from '@scalegram/contracts/errors';
import { NotIntegerError, WrongTypeError } from '../../src/errors.ts';
import type { KeyValueStore } from '../../src/port.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `makeStore` returns a new store over the SAME keyspace each call (one prefix per suite). */
export function describeKeyValueContract(name: string, makeStore: () => Promise<KeyValueStore>): void {
  describe(`KeyValueStore contract: ${name}`, () => {
    let kv: KeyValueStore;
    beforeAll(async () => {
      kv = await makeStore();
    });
    afterAll(async () => {
      await kv.close();
    });

    describe('strings', () => {
      it('gets what was set, and null for a missing key', async () => {
        expect(await kv.set('s:a', 'hello')).toBe(true);
        expect(await kv.get('s:a')).toBe('hello');
        expect(await kv.get('s:missing')).toBeNull();
        expect(await kv.set('s:a', 'héllo 😀')).toBe(true);
        expect(await kv.get('s:a')).toBe('héllo 😀');
      });

      it('onlyIfAbsent writes only when the key does not exist (NX)', async () => {
        expect(await kv.set('s:nx', 'first', { onlyIfAbsent: true })).toBe(true);
        expect(await kv.set('s:nx', 'second', { onlyIfAbsent: true })).toBe(false);
        expect(await kv.get('s:nx')).toBe('first');
      });

      it('mget returns values in key order, null for missing keys and for keys of another type', async () => {
        await kv.set('s:m1', 'one');
        await kv.set('s:m2', 'two');
        await kv.hset('s:mhash', { f: 'v' });
        expect(await kv.mget(['s:m2', 's:nope', 's:m1', 's:mhash'])).toEqual(['two', null, 'one', null]);
      });

      it('del removes keys of any type and counts the ones that existed', async () => {
        await kv.set('s:d1', 'x');
        await kv.hset('s:d2', { f: 'v' });
        await kv.zadd('s:d3', [{ member: 'm', score: 1 }]);
        expect(await kv.del('s:d1', 's:d2', 's:d3', 's:d4')).toBe(3);
        expect(await kv.mget(['s:d1', 's:d2', 's:d3'])).toEqual([null, null, null]);
        expect(await kv.del('s:d1')).toBe(0);
      });

      it('set overwrites a key holding another type', async () => {
        await kv.hset('s:over', { f: 'v' });
        expect(await kv.set('s:over', 'now a string')).toBe(true);
        expect(await kv.get('s:over')).toBe('now a string');
      });

      it('rejects empty key lists and bad TTLs before touching anything', async () => {
        await expect(kv.mget([])).rejects.toThrow(RangeError);
        await expect(kv.del()).rejects.toThrow(RangeError);
        await expect(kv.set('s:bad', 'x', { ttlMs: 0 })).rejects.toThrow(RangeError);
        await expect(kv.set('s:bad', 'x', { ttlMs: 1.5 })).rejects.toThrow(RangeError);
        await expect(kv.expire('s:bad', -1)).rejects.toThrow(RangeError);
        expect(await kv.get('s:bad')).toBeNull();
      });
    });

    describe('time to live', () => {
      it('reports -2 for a missing key, -1 without a TTL, the remaining ms with one', async () => {
        expect(await kv.ttl('t:missing')).toBe(-2);
        await kv.set('t:plain', 'x');
        expect(await kv.ttl('t:plain')).toBe(-1);
        await kv.set('t:timed', 'x', { ttlMs: 10_000 });
        const ttl = await kv.ttl('t:timed');
        expect(ttl).toBeGreaterThan(9_000);
        expect(ttl).toBeLessThanOrEqual(10_000);
      });

      it('a key with a TTL disappears once it has passed', async () => {
        await kv.set('t:short', 'x', { ttlMs: 40 });
        expect(await kv.get('t:short')).toBe('x');
        await sleep(80);
        expect(await kv.get('t:short')).toBeNull();
        expect(await kv.ttl('t:short')).toBe(-2);
        expect(await kv.set('t:short', 'again', { onlyIfAbsent: true })).toBe(true);
      });

      it('expire sets a TTL on an existing key only, and applies to hashes and sorted sets', async () => {
        expect(await kv.expire('t:nothing', 1_000)).toBe(false);
        await kv.hset('t:hash', { f: 'v' });
        await kv.zadd('t:zset', [{ member: 'm', score: 1 }]);
        expect(await kv.expire('t:hash', 40)).toBe(true);
        expect(await kv.expire('t:zset', 40)).toBe(true);
        await sleep(80);
        expect(await kv.hgetall('t:hash')).toEqual({});
        expect(await kv.zcard('t:zset')).toBe(0);
      });

      it('a plain set clears the TTL; incrBy and hset keep it', async () => {
        await kv.set('t:cleared', 'x', { ttlMs: 10_000 });
        await kv.set('t:cleared', 'y');
        expect(await kv.ttl('t:cleared')).toBe(-1);
        await kv.set('t:counter', '1', { ttlMs: 10_000 });
        await kv.incrBy('t:counter', 1);
        expect(await kv.ttl('t:counter')).toBeGreaterThan(0);
        await kv.hset('t:h', { a: '1' });
        await kv.expire('t:h', 10_000);
        await kv.hset('t:h', { b: '2' });
        expect(await kv.ttl('t:h')).toBeGreaterThan(0);
      });
    });

    describe('counters', () => {
      it('incrBy starts a missing key at 0 and adds atomically, negative steps included', async () => {
        expect(await kv.incrBy('c:a', 5)).toBe(5);
        expect(await kv.incrBy('c:a', -7)).toBe(-2);
        expect(await kv.get('c:a')).toBe('-2');
        const results = await Promise.all(Array.from({ length: 100 }, () => kv.incrBy('c:race', 1)));
        expect(new Set(results).size).toBe(100);
        expect(await kv.get('c:race')).toBe('100');
      });

      it('incrBy on a value that is not a canonical 64-bit integer fails with NotIntegerError', async () => {
        for (const value of ['abc', '1.5', '007', ' 1', '+1', '', '9223372036854775808']) {
          await kv.set('c:bad', value);
          await expect(kv.incrBy('c:bad', 1)).rejects.toThrow(NotIntegerError);
          expect(await kv.get('c:bad')).toBe(value);
        }
      });

      it('incrBy that would overflow 64 bits fails with NotIntegerError', async () => {
        await kv.set('c:max', '9223372036854775807');
        await expect(kv.incrBy('c:max', 1)).rejects.toThrow(NotIntegerError);
        await kv.set('c:min', '-9223372036854775807');
        expect(await kv.incrBy('c:min', -1)).toBe(-(2 ** 63)); // exactly representable
        expect(await kv.get('c:min')).toBe('-9223372036854775808');
      });

      it('rejects a non-integer step', async () => {
        await expect(kv.incrBy('c:step', 0.5)).rejects.toThrow(RangeError);
      });
    });

    describe('hashes', () => {
      it('hset counts new fields, hget and hgetall read them back', async () => {
        expect(await kv.hset('h:a', { name: 'ada', lang: 'en' })).toBe(2);
        expect(await kv.hset('h:a', { lang: 'fr', city: 'Paris' })).toBe(1);
        expect(await kv.hget('h:a', 'lang')).toBe('fr');
        expect(await kv.hget('h:a', 'nope')).toBeNull();
        expect(await kv.hget('h:missing', 'x')).toBeNull();
        expect(await kv.hgetall('h:a')).toEqual({ name: 'ada', lang: 'fr', city: 'Paris' });
        expect(await kv.hgetall('h:missing')).toEqual({});
      });

      it('hdel counts removed fields and deletes the hash once empty', async () => {
        await kv.hset('h:d', { a: '1', b: '2' });
        expect(await kv.hdel('h:d', 'a', 'zzz')).toBe(1);
        expect(await kv.ttl('h:d')).toBe(-1);
        expect(await kv.hdel('h:d', 'b')).toBe(1);
        expect(await kv.ttl('h:d')).toBe(-2);
        expect(await kv.hdel('h:d', 'b')).toBe(0);
      });

      it('hincrBy counts atomically and rejects non-integer fields', async () => {
        expect(await kv.hincrBy('h:n', 'likes', 3)).toBe(3);
        await Promise.all(Array.from({ length: 50 }, () => kv.hincrBy('h:n', 'likes', 1)));
        expect(await kv.hget('h:n', 'likes')).toBe('53');
        await kv.hset('h:n', { text: 'hello' });
        await expect(kv.hincrBy('h:n', 'text', 1)).rejects.toThrow(NotIntegerError);
      });
    });

    describe('wrong types', () => {
      it('reading or writing a key as the wrong type fails with WrongTypeError', async () => {
        await kv.set('w:string', 'x');
        await kv.hset('w:hash', { f: 'v' });
        await kv.zadd('w:zset', [{ member: 'm', score: 1 }]);
        await expect(kv.hget('w:string', 'f')).rejects.toThrow(WrongTypeError);
        await expect(kv.zadd('w:string', [{ member: 'm', score: 1 }])).rejects.toThrow(WrongTypeError);
        await expect(kv.get('w:hash')).rejects.toThrow(WrongTypeError);
        await expect(kv.incrBy('w:hash', 1)).rejects.toThrow(WrongTypeError);
        await expect(kv.zrange('w:hash', 0, -1)).rejects.toThrow(WrongTypeError);
        await expect(kv.hgetall('w:zset')).rejects.toThrow(WrongTypeError);
        await expect(kv.rateLimit('w:zset', { limit: 1, windowMs: 1000 })).rejects.toThrow(WrongTypeError);
      });
    });

    describe('sorted sets', () => {
      const members = [
        { member: 'c', score: 3 },
        { member: 'a', score: 1 },
        { member: 'b', score: 2 },
        { member: 'd', score: 4 },
        { member: 'e', score: 5 },
      ];

      it('zadd counts new members and updates scores; zscore and zcard read them', async () => {
        expect(await kv.zadd('z:basic', members)).toBe(5);
        expect(
          await kv.zadd('z:basic', [
            { member: 'a', score: 10 },
            { member: 'f', score: 6 },
          ]),
        ).toBe(1);
        expect(await kv.zcard('z:basic')).toBe(6);
        expect(await kv.zscore('z:basic', 'a')).toBe(10);
        expect(await kv.zscore('z:basic', 'nope')).toBeNull();
        expect(await kv.zcard('z:missing')).toBe(0);
        expect((await kv.zrange('z:basic', -1, -1))[0]).toEqual({ member: 'a', score: 10 });
      });

      it('keeps fractional, negative, huge and infinite scores exactly', async () => {
        const odd = [
          { member: 'neg', score: -2.5 },
          { member: 'tiny', score: 5e-324 },
          { member: 'big', score: 1.7976931348623157e308 },
          { member: 'third', score: 1 / 3 },
          { member: 'top', score: Number.POSITIVE_INFINITY },
          { member: 'bottom', score: Number.NEGATIVE_INFINITY },
        ];
        await kv.zadd('z:odd', odd);
        expect(await kv.zrange('z:odd', 0, -1)).toEqual([...odd].sort((x, y) => x.score - y.score));
        expect(await kv.zscore('z:odd', 'top')).toBe(Number.POSITIVE_INFINITY);
        await expect(kv.zadd('z:odd', [{ member: 'nan', score: Number.NaN }])).rejects.toThrow(RangeError);
      });

      it('zrange by rank: inclusive, negative ranks, clamped, and reversed', async () => {
        await kv.zadd('z:rank', members);
        const asc = (await kv.zrange('z:rank', 0, -1)).map((m) => m.member);
        expect(asc).toEqual(['a', 'b', 'c', 'd', 'e']);
        expect(await kv.zrange('z:rank', 1, 2)).toEqual([
          { member: 'b', score: 2 },
          { member: 'c', score: 3 },
        ]);
        expect((await kv.zrange('z:rank', -2, -1)).map((m) => m.member)).toEqual(['d', 'e']);
        expect((await kv.zrange('z:rank', -100, 1)).map((m) => m.member)).toEqual(['a', 'b']);
        expect((await kv.zrange('z:rank', 3, 100)).map((m) => m.member)).toEqual(['d', 'e']);
        expect(await kv.zrange('z:rank', 3, 1)).toEqual([]);
        expect(await kv.zrange('z:rank', 10, 20)).toEqual([]);
        expect(await kv.zrange('z:missing', 0, -1)).toEqual([]);
        const desc = await kv.zrange('z:rank', 0, 1, { rev: true });
        expect(desc).toEqual([
          { member: 'e', score: 5 },
          { member: 'd', score: 4 },
        ]);
        expect((await kv.zrange('z:rank', -2, -1, { rev: true })).map((m) => m.member)).toEqual(['b', 'a']);
      });

      it('orders equal scores by member, byte by byte like Redis (not by UTF-16 code unit)', async () => {
        const tied = ['b', 'a', 'ab', 'B', '😀', '\uE000', 'é', ''].map((member) => ({ member, score: 7 }));
        await kv.zadd('z:ties', tied);
        const order = (await kv.zrange('z:ties', 0, -1)).map((m) => m.member);
        expect(order).toEqual(['', 'B', 'a', 'ab', 'b', 'é', '\uE000', '😀']);
      });

      it('zrangeByScore: inclusive and exclusive bounds, infinities, offset/count, reversed', async () => {
        await kv.zadd('z:score', members);
        const names = (list: { member: string }[]) => list.map((m) => m.member);
        expect(names(await kv.zrangeByScore('z:score', 2, 4))).toEqual(['b', 'c', 'd']);
        expect(names(await kv.zrangeByScore('z:score', { exclusive: 2 }, { exclusive: 4 }))).toEqual(['c']);
        expect(names(await kv.zrangeByScore('z:score', { exclusive: 2 }, 4))).toEqual(['c', 'd']);
        const all = await kv.zrangeByScore('z:score', Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
        expect(names(all)).toEqual(['a', 'b', 'c', 'd', 'e']);
        expect(all[0]).toEqual({ member: 'a', score: 1 });
        expect(await kv.zrangeByScore('z:score', 4, 2)).toEqual([]);
        expect(await kv.zrangeByScore('z:score', { exclusive: 3 }, { exclusive: 3 })).toEqual([]);
        expect(names(await kv.zrangeByScore('z:score', 1, 5, { offset: 1, count: 2 }))).toEqual(['b', 'c']);
        expect(names(await kv.zrangeByScore('z:score', 1, 5, { offset: 3 }))).toEqual(['d', 'e']);
        expect(names(await kv.zrangeByScore('z:score', 1, 5, { count: 0 }))).toEqual([]);
        expect(names(await kv.zrangeByScore('z:score', 1, 5, { offset: 9 }))).toEqual([]);
        const desc = await kv.zrangeByScore('z:score', 2, Number.POSITIVE_INFINITY, { rev: true, count: 2 });
        expect(names(desc)).toEqual(['e', 'd']);
        const page = await kv.zrangeByScore(
          'z:score',
          Number.NEGATIVE_INFINITY,
          { exclusive: 5 },
          { rev: true, offset: 1, count: 2 },
        );
        expect(names(page)).toEqual(['c', 'b']);
        await expect(kv.zrangeByScore('z:score', 0, 1, { offset: -1 })).rejects.toThrow(RangeError);
      });

      it('zrangeByLex over equal scores: bounds, open ends, offset/count, reversed', async () => {
        const words = ['apple', 'banana', 'cherry', 'date', 'elder', 'fig'];
        await kv.zadd(
          'z:lex',
          words.map((member) => ({ member, score: 0 })),
        );
        expect(await kv.zrangeByLex('z:lex', '-', '+')).toEqual(words);
        expect(await kv.zrangeByLex('z:lex', '[banana', '[date')).toEqual(['banana', 'cherry', 'date']);
        expect(await kv.zrangeByLex('z:lex', '(banana', '(date')).toEqual(['cherry']);
        expect(await kv.zrangeByLex('z:lex', '[b', '(d')).toEqual(['banana', 'cherry']);
        expect(await kv.zrangeByLex('z:lex', '(cherry', '+')).toEqual(['date', 'elder', 'fig']);
        expect(await kv.zrangeByLex('z:lex', '-', '+', { offset: 2, count: 2 })).toEqual(['cherry', 'date']);
        expect(await kv.zrangeByLex('z:lex', '-', '(cherry', { rev: true })).toEqual(['banana', 'apple']);
        expect(await kv.zrangeByLex('z:lex', '[b', '+', { rev: true, count: 3 })).toEqual(['fig', 'elder', 'date']);
        expect(await kv.zrangeByLex('z:lex', '[x', '[a')).toEqual([]);
        await expect(kv.zrangeByLex('z:lex', 'apple' as '[apple', '+')).rejects.toThrow(RangeError);
      });

      it('zero-padded decimal members keep 64-bit ids exactly ordered (doubles cannot)', async () => {
        const ids = ['9007199254740993', '9007199254740992', '18446744073709551615', '42'];
        const pad = (id: string) => id.padStart(20, '0');
        await kv.zadd(
          'z:ids',
          ids.map((id) => ({ member: pad(id), score: 0 })),
        );
        const newestFirst = await kv.zrangeByLex('z:ids', '-', '+', { rev: true, count: 3 });
        expect(newestFirst.map((m) => BigInt(m).toString())).toEqual([
          '18446744073709551615',
          '9007199254740993',
          '9007199254740992',
        ]);
        const olderThan = await kv.zrangeByLex('z:ids', '-', `(${pad('9007199254740993')}`, { rev: true });
        expect(olderThan).toEqual([pad('9007199254740992'), pad('42')]);
      });

      it('zrem counts removed members and deletes the set once empty', async () => {
        await kv.zadd('z:rem', [
          { member: 'a', score: 1 },
          { member: 'b', score: 2 },
        ]);
        expect(await kv.zrem('z:rem', 'a', 'zzz')).toBe(1);
        expect(await kv.zrem('z:rem', 'b')).toBe(1);
        expect(await kv.ttl('z:rem')).toBe(-2);
        expect(await kv.zrem('z:rem', 'b')).toBe(0);
      });

      it('zremRangeByRank removes by rank with negative ranks', async () => {
        await kv.zadd('z:remrank', members);
        expect(await kv.zremRangeByRank('z:remrank', 0, 1)).toBe(2);
        expect(await kv.zremRangeByRank('z:remrank', -1, -1)).toBe(1);
        expect((await kv.zrange('z:remrank', 0, -1)).map((m) => m.member)).toEqual(['c', 'd']);
        expect(await kv.zremRangeByRank('z:remrank', 5, 9)).toBe(0);
        expect(await kv.zremRangeByRank('z:missing', 0, -1)).toBe(0);
      });

      it('ztrim keeps the highest-scored members, 800 by default', async () => {
        await kv.zadd('z:trim', members);
        expect(await kv.ztrim('z:trim', 3)).toBe(2);
        expect((await kv.zrange('z:trim', 0, -1, { rev: true })).map((m) => m.member)).toEqual(['e', 'd', 'c']);
        expect(await kv.ztrim('z:trim', 3)).toBe(0);
        expect(await kv.ztrim('z:trim', 10)).toBe(0);
        const timeline = Array.from({ length: 850 }, (_, i) => ({ member: `post-${i}`, score: i }));
        await kv.zadd('z:timeline', timeline);
        expect(await kv.ztrim('z:timeline')).toBe(50);
        expect(await kv.zcard('z:timeline')).toBe(800);
        expect((await kv.zrange('z:timeline', 0, 0))[0]).toEqual({ member: 'post-50', score: 50 });
        expect(await kv.ztrim('z:trim', 0)).toBe(3);
        expect(await kv.ttl('z:trim')).toBe(-2);
      });
    });

    describe('batch', () => {
      it('runs queued commands in order and returns their results in order', async () => {
        const results = await kv
          .batch()
          .set('b:s', 'v')
          .get('b:s')
          .incrBy('b:n', 2)
          .incrBy('b:n', 3)
          .hset('b:h', { f: '1' })
          .hgetall('b:h')
          .zadd('b:z', [
            { member: 'x', score: 1 },
            { member: 'y', score: 2 },
          ])
          .ztrim('b:z', 1)
          .zrange('b:z', 0, -1)
          .zrangeByLex('b:z', '-', '+')
          .del('b:s')
          .exec();
        expect(results).toEqual([true, 'v', 2, 5, 1, { f: '1' }, 2, 1, [{ member: 'y', score: 2 }], ['y'], 1]);
      });

      it('an empty batch returns no results', async () => {
        expect(await kv.batch().exec()).toEqual([]);
      });

      it('has no rollback: a failing command does not undo the others, and exec rejects', async () => {
        await kv.set('b:text', 'not a number');
        const batch = kv.batch().set('b:before', '1').incrBy('b:text', 1).set('b:after', '2');
        await expect(batch.exec()).rejects.toThrow(NotIntegerError);
        expect(await kv.mget(['b:before', 'b:after'])).toEqual(['1', '2']);
      });

      it('is isolated: concurrent batches never interleave', async () => {
        // Each batch writes the same two keys; without isolation some reader would see a mixed pair.
        await Promise.all(
          Array.from({ length: 30 }, (_, i) =>
            kv
              .batch()
              .set('b:pair1', `${i}`)
              .set('b:pair2', `${i}`)
              .exec()
              .then(async () => {
                const [one, two] = (await kv.batch().get('b:pair1').get('b:pair2').exec()) as [string, string];
                expect(one).toBe(two);
              }),
          ),
        );
      });

      it('rejects invalid arguments when they are queued, before anything is sent', async () => {
        const batch = kv.batch().set('b:never', 'x');
        expect(() => batch.expire('b:never', 0)).toThrow(RangeError);
        expect(() => kv.batch().zadd('b:never', [])).toThrow(RangeError);
        expect(await kv.get('b:never')).toBeNull();
      });
    });

    describe('rate limit', () => {
      it('admits exactly `limit` of 200 concurrent calls and reports remaining and reset', async () => {
        const options = { limit: 50, windowMs: 5_000 };
        const results = await Promise.all(Array.from({ length: 200 }, () => kv.rateLimit('rl:burst', options)));
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
        const options = { limit: 2, windowMs: 100 };
        const first = await kv.rateLimit('rl:window', options);
        expect(first).toEqual({ allowed: true, limit: 2, remaining: 1, resetMs: expect.any(Number) });
        expect(first.resetMs).toBeGreaterThan(50);
        expect((await kv.rateLimit('rl:window', options)).remaining).toBe(0);
        const denied = await kv.rateLimit('rl:window', options);
        expect(denied.allowed).toBe(false);
        expect(denied.resetMs).toBeLessThanOrEqual(100);
        await sleep(denied.resetMs + 30);
        const fresh = await kv.rateLimit('rl:window', options);
        expect(fresh.allowed).toBe(true);
        expect(fresh.remaining).toBe(1);
        expect(fresh.resetMs).toBeGreaterThan(50);
      });

      it('keeps separate budgets per key and rejects invalid options', async () => {
        const options = { limit: 1, windowMs: 5_000 };
        expect((await kv.rateLimit('rl:user1', options)).allowed).toBe(true);
        expect((await kv.rateLimit('rl:user1', options)).allowed).toBe(false);
        expect((await kv.rateLimit('rl:user2', options)).allowed).toBe(true);
        await expect(kv.rateLimit('rl:bad', { limit: 0, windowMs: 1000 })).rejects.toThrow(RangeError);
        await expect(kv.rateLimit('rl:bad', { limit: 1, windowMs: 0.5 })).rejects.toThrow(RangeError);
      });

      it('repairs a counter that lost its TTL instead of blocking forever', async () => {
        await kv.set('rl:stuck', '10');
        const result = await kv.rateLimit('rl:stuck', { limit: 5, windowMs: 5_000 });
        expect(result.allowed).toBe(false);
        expect(result.resetMs).toBeGreaterThan(0);
        expect(await kv.ttl('rl:stuck')).toBeGreaterThan(0);
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
        await kv.ping();
      });
    });
  });
}
