// Contract: sorted sets, Redis's ordering (score, then member bytes), rank/score/lex ranges, trimming.
import { describe, expect, it } from '@jest/globals';
import type { KeyValueStore } from '../../src/port.ts';

export function describeSortedSetContract(kv: () => KeyValueStore): void {
  describe('sorted sets', () => {
    const members = [
      { member: 'c', score: 3 },
      { member: 'a', score: 1 },
      { member: 'b', score: 2 },
      { member: 'd', score: 4 },
      { member: 'e', score: 5 },
    ];

    it('zadd counts new members and updates scores; zscore and zcard read them', async () => {
      expect(await kv().zadd('z:basic', members)).toBe(5);
      expect(
        await kv().zadd('z:basic', [
          { member: 'a', score: 10 },
          { member: 'f', score: 6 },
        ]),
      ).toBe(1);
      expect(await kv().zcard('z:basic')).toBe(6);
      expect(await kv().zscore('z:basic', 'a')).toBe(10);
      expect(await kv().zscore('z:basic', 'nope')).toBeNull();
      expect(await kv().zcard('z:missing')).toBe(0);
      expect((await kv().zrange('z:basic', -1, -1))[0]).toEqual({ member: 'a', score: 10 });
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
      await kv().zadd('z:odd', odd);
      expect(await kv().zrange('z:odd', 0, -1)).toEqual([...odd].sort((x, y) => x.score - y.score));
      expect(await kv().zscore('z:odd', 'top')).toBe(Number.POSITIVE_INFINITY);
      await expect(kv().zadd('z:odd', [{ member: 'nan', score: Number.NaN }])).rejects.toThrow(RangeError);
    });

    it('zrange by rank: inclusive, negative ranks, clamped, and reversed', async () => {
      await kv().zadd('z:rank', members);
      const asc = (await kv().zrange('z:rank', 0, -1)).map((m) => m.member);
      expect(asc).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect(await kv().zrange('z:rank', 1, 2)).toEqual([
        { member: 'b', score: 2 },
        { member: 'c', score: 3 },
      ]);
      expect((await kv().zrange('z:rank', -2, -1)).map((m) => m.member)).toEqual(['d', 'e']);
      expect((await kv().zrange('z:rank', -100, 1)).map((m) => m.member)).toEqual(['a', 'b']);
      expect((await kv().zrange('z:rank', 3, 100)).map((m) => m.member)).toEqual(['d', 'e']);
      expect(await kv().zrange('z:rank', 3, 1)).toEqual([]);
      expect(await kv().zrange('z:rank', 10, 20)).toEqual([]);
      expect(await kv().zrange('z:missing', 0, -1)).toEqual([]);
      const desc = await kv().zrange('z:rank', 0, 1, { rev: true });
      expect(desc).toEqual([
        { member: 'e', score: 5 },
        { member: 'd', score: 4 },
      ]);
      expect((await kv().zrange('z:rank', -2, -1, { rev: true })).map((m) => m.member)).toEqual(['b', 'a']);
    });

    it('orders equal scores by member, byte by byte like Redis (not by UTF-16 code unit)', async () => {
      const tied = ['b', 'a', 'ab', 'B', '😀', '\uE000', 'é', ''].map((member) => ({ member, score: 7 }));
      await kv().zadd('z:ties', tied);
      const order = (await kv().zrange('z:ties', 0, -1)).map((m) => m.member);
      expect(order).toEqual(['', 'B', 'a', 'ab', 'b', 'é', '\uE000', '😀']);
    });

    it('zrangeByScore: inclusive and exclusive bounds, infinities, offset/count, reversed', async () => {
      await kv().zadd('z:score', members);
      const names = (list: { member: string }[]) => list.map((m) => m.member);
      expect(names(await kv().zrangeByScore('z:score', 2, 4))).toEqual(['b', 'c', 'd']);
      expect(names(await kv().zrangeByScore('z:score', { exclusive: 2 }, { exclusive: 4 }))).toEqual(['c']);
      expect(names(await kv().zrangeByScore('z:score', { exclusive: 2 }, 4))).toEqual(['c', 'd']);
      const all = await kv().zrangeByScore('z:score', Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
      expect(names(all)).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect(all[0]).toEqual({ member: 'a', score: 1 });
      expect(await kv().zrangeByScore('z:score', 4, 2)).toEqual([]);
      expect(await kv().zrangeByScore('z:score', { exclusive: 3 }, { exclusive: 3 })).toEqual([]);
      expect(names(await kv().zrangeByScore('z:score', 1, 5, { offset: 1, count: 2 }))).toEqual(['b', 'c']);
      expect(names(await kv().zrangeByScore('z:score', 1, 5, { offset: 3 }))).toEqual(['d', 'e']);
      expect(names(await kv().zrangeByScore('z:score', 1, 5, { count: 0 }))).toEqual([]);
      expect(names(await kv().zrangeByScore('z:score', 1, 5, { offset: 9 }))).toEqual([]);
      const desc = await kv().zrangeByScore('z:score', 2, Number.POSITIVE_INFINITY, { rev: true, count: 2 });
      expect(names(desc)).toEqual(['e', 'd']);
      const page = await kv().zrangeByScore(
        'z:score',
        Number.NEGATIVE_INFINITY,
        { exclusive: 5 },
        { rev: true, offset: 1, count: 2 },
      );
      expect(names(page)).toEqual(['c', 'b']);
      await expect(kv().zrangeByScore('z:score', 0, 1, { offset: -1 })).rejects.toThrow(RangeError);
    });

    it('zrangeByLex over equal scores: bounds, open ends, offset/count, reversed', async () => {
      const words = ['apple', 'banana', 'cherry', 'date', 'elder', 'fig'];
      await kv().zadd(
        'z:lex',
        words.map((member) => ({ member, score: 0 })),
      );
      expect(await kv().zrangeByLex('z:lex', '-', '+')).toEqual(words);
      expect(await kv().zrangeByLex('z:lex', '[banana', '[date')).toEqual(['banana', 'cherry', 'date']);
      expect(await kv().zrangeByLex('z:lex', '(banana', '(date')).toEqual(['cherry']);
      expect(await kv().zrangeByLex('z:lex', '[b', '(d')).toEqual(['banana', 'cherry']);
      expect(await kv().zrangeByLex('z:lex', '(cherry', '+')).toEqual(['date', 'elder', 'fig']);
      expect(await kv().zrangeByLex('z:lex', '-', '+', { offset: 2, count: 2 })).toEqual(['cherry', 'date']);
      expect(await kv().zrangeByLex('z:lex', '-', '(cherry', { rev: true })).toEqual(['banana', 'apple']);
      expect(await kv().zrangeByLex('z:lex', '[b', '+', { rev: true, count: 3 })).toEqual(['fig', 'elder', 'date']);
      expect(await kv().zrangeByLex('z:lex', '[x', '[a')).toEqual([]);
      await expect(kv().zrangeByLex('z:lex', 'apple' as '[apple', '+')).rejects.toThrow(RangeError);
    });

    it('zero-padded decimal members keep 64-bit ids exactly ordered (doubles cannot)', async () => {
      const ids = ['9007199254740993', '9007199254740992', '18446744073709551615', '42'];
      const pad = (id: string) => id.padStart(20, '0');
      await kv().zadd(
        'z:ids',
        ids.map((id) => ({ member: pad(id), score: 0 })),
      );
      const newestFirst = await kv().zrangeByLex('z:ids', '-', '+', { rev: true, count: 3 });
      expect(newestFirst.map((m) => BigInt(m).toString())).toEqual([
        '18446744073709551615',
        '9007199254740993',
        '9007199254740992',
      ]);
      const olderThan = await kv().zrangeByLex('z:ids', '-', `(${pad('9007199254740993')}`, { rev: true });
      expect(olderThan).toEqual([pad('9007199254740992'), pad('42')]);
      // With equal scores, rank order is member order, so ztrim keeps the newest (largest) ids.
      expect(await kv().ztrim('z:ids', 2)).toBe(2);
      expect(await kv().zrangeByLex('z:ids', '-', '+')).toEqual([pad('9007199254740993'), pad('18446744073709551615')]);
    });

    it('zrem counts removed members and deletes the set once empty', async () => {
      await kv().zadd('z:rem', [
        { member: 'a', score: 1 },
        { member: 'b', score: 2 },
      ]);
      expect(await kv().zrem('z:rem', 'a', 'zzz')).toBe(1);
      expect(await kv().zrem('z:rem', 'b')).toBe(1);
      expect(await kv().ttl('z:rem')).toBe(-2);
      expect(await kv().zrem('z:rem', 'b')).toBe(0);
    });

    it('zremRangeByRank removes by rank with negative ranks', async () => {
      await kv().zadd('z:remrank', members);
      expect(await kv().zremRangeByRank('z:remrank', 0, 1)).toBe(2);
      expect(await kv().zremRangeByRank('z:remrank', -1, -1)).toBe(1);
      expect((await kv().zrange('z:remrank', 0, -1)).map((m) => m.member)).toEqual(['c', 'd']);
      expect(await kv().zremRangeByRank('z:remrank', 5, 9)).toBe(0);
      expect(await kv().zremRangeByRank('z:missing', 0, -1)).toBe(0);
    });

    it('ztrim keeps the highest-scored members, 800 by default', async () => {
      await kv().zadd('z:trim', members);
      expect(await kv().ztrim('z:trim', 3)).toBe(2);
      expect((await kv().zrange('z:trim', 0, -1, { rev: true })).map((m) => m.member)).toEqual(['e', 'd', 'c']);
      expect(await kv().ztrim('z:trim', 3)).toBe(0);
      expect(await kv().ztrim('z:trim', 10)).toBe(0);
      const timeline = Array.from({ length: 850 }, (_, i) => ({ member: `post-${i}`, score: i }));
      await kv().zadd('z:timeline', timeline);
      expect(await kv().ztrim('z:timeline')).toBe(50);
      expect(await kv().zcard('z:timeline')).toBe(800);
      expect((await kv().zrange('z:timeline', 0, 0))[0]).toEqual({ member: 'post-50', score: 50 });
      expect(await kv().ztrim('z:trim', 0)).toBe(3);
      expect(await kv().ttl('z:trim')).toBe(-2);
    });
  });
}
