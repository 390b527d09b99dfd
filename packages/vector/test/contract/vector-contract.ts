// The VectorIndex contract: run unchanged against every adapter. It is what shows that the embedded
// index answers what Qdrant answers, so a service tested on a laptop behaves the same in production.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConflictError, NotFoundError } from '@scalegram/contracts/errors';
import type { PayloadIndexType, VectorIndex } from '../../src/port.ts';

export interface ContractAdapter {
  /** A fresh index instance. */
  open(): Promise<VectorIndex>;
}

const DIM = 4;
const BIG = '9223372036854775807'; // 2^63 − 1, the largest post id
const PAST_53_BITS = '9007199254740993'; // 2^53 + 1: a JS number would round it to ...992

function unit(...values: number[]): number[] {
  const norm = Math.hypot(...values);
  return values.map((v) => v / norm);
}

export function describeVectorContract(name: string, adapter: ContractAdapter): void {
  describe(`VectorIndex contract: ${name}`, () => {
    let index: VectorIndex;
    const created: string[] = [];
    const aliases: string[] = [];
    const run = randomBytes(4).toString('hex');

    /** A collection name no other suite (or run) uses; removed in afterAll. */
    async function collection(payloadIndexes?: Record<string, PayloadIndexType>): Promise<string> {
      const collectionName = `contract_${run}_${created.length}`;
      created.push(collectionName);
      await index.ensureCollection(collectionName, { dimension: DIM, distance: 'cosine', payloadIndexes });
      return collectionName;
    }

    beforeAll(async () => {
      index = await adapter.open();
    });

    afterAll(async () => {
      for (const alias of aliases) await index.deleteAlias(alias);
      for (const collectionName of created) await index.deleteCollection(collectionName);
      await index.close();
    });

    it('ensureCollection is idempotent and refuses another dimension', async () => {
      const c = await collection();
      await index.upsert(c, [{ id: '1', vector: [1, 0, 0, 0], payload: {} }]);
      await index.ensureCollection(c, { dimension: DIM, distance: 'cosine' });
      expect(await index.count(c)).toBe(1); // the second call did not recreate (empty) it
      await expect(index.ensureCollection(c, { dimension: DIM + 1, distance: 'cosine' })).rejects.toBeInstanceOf(
        ConflictError,
      );
    });

    it('upsert inserts and then overwrites vector and whole payload', async () => {
      const c = await collection();
      await index.upsert(c, [{ id: '7', vector: [1, 0, 0, 0], payload: { text: 'old', tag: 'x' } }]);
      await index.upsert(c, [{ id: '7', vector: new Float32Array([0, 1, 0, 0]), payload: { text: 'new' } }]);
      expect(await index.count(c)).toBe(1);
      expect(await index.get(c, ['7'])).toEqual([{ id: '7', payload: { text: 'new' } }]);
      const [best] = await index.search(c, { vector: [0, 1, 0, 0], limit: 1 });
      expect(best?.id).toBe('7');
      expect(best?.score).toBeCloseTo(1, 5);
    });

    it('search orders by cosine similarity, best first, with cosine scores', async () => {
      const c = await collection();
      await index.upsert(c, [
        { id: '1', vector: [1, 0, 0, 0], payload: { n: 1 } },
        { id: '2', vector: [1, 1, 0, 0], payload: { n: 2 } },
        { id: '3', vector: [0, 0, 1, 0], payload: { n: 3 } },
        { id: '4', vector: [-1, 0, 0, 0], payload: { n: 4 } },
      ]);
      // Magnitude does not matter for cosine: [3,0,0,0] is the same direction as point 1.
      const results = await index.search(c, { vector: [3, 0, 0, 0], limit: 10 });
      expect(results.map((r) => r.id)).toEqual(['1', '2', '3', '4']);
      expect(results[0]?.score).toBeCloseTo(1, 5);
      expect(results[1]?.score).toBeCloseTo(Math.SQRT1_2, 5);
      expect(results[2]?.score).toBeCloseTo(0, 5);
      expect(results[3]?.score).toBeCloseTo(-1, 5);
      expect(results[1]?.payload).toEqual({ n: 2 });
      expect(await index.search(c, { vector: [3, 0, 0, 0], limit: 2 })).toHaveLength(2);
      const above = await index.search(c, { vector: [1, 0, 0, 0], limit: 10, scoreThreshold: 0.5 });
      expect(above.map((r) => r.id)).toEqual(['1', '2']);
    });

    it('filters on payload: match value, match any, range, mustNot, nested keys and arrays', async () => {
      // Indexed and unindexed fields must filter alike.
      const c = await collection({ author: 'keyword', time: 'integer' });
      await index.ensureCollection(c, {
        dimension: DIM,
        distance: 'cosine',
        payloadIndexes: { author: 'keyword', time: 'integer' },
      });
      const points = [
        { id: '1', author: '100', time: 1_000, tags: ['a', 'b'], meta: { lang: 'en' }, views: 7 },
        { id: '2', author: '100', time: 2_000, tags: ['c'], meta: { lang: 'fr' } },
        { id: '3', author: '200', time: 3_000, tags: [], meta: { lang: 'en' } },
        { id: '4', author: '300', time: 4_000, tags: ['b'], meta: { lang: 'de' } },
      ];
      await index.upsert(
        c,
        points.map(({ id, ...payload }, i) => ({ id, vector: unit(1, i + 1, 0, 0), payload })),
      );
      const ids = async (filter: Parameters<VectorIndex['search']>[1]['filter']) =>
        (await index.search(c, { vector: [1, 0, 0, 0], limit: 10, filter })).map((r) => r.id).sort();

      expect(await ids({ must: [{ key: 'author', match: { value: '100' } }] })).toEqual(['1', '2']);
      expect(await ids({ must: [{ key: 'author', match: { any: ['200', '300'] } }] })).toEqual(['3', '4']);
      expect(await ids({ must: [{ key: 'time', range: { gte: 2_000, lt: 4_000 } }] })).toEqual(['2', '3']);
      expect(await ids({ must: [{ key: 'time', range: { gt: 2_000 } }] })).toEqual(['3', '4']);
      expect(await ids({ must: [{ key: 'time', range: { lte: 1_000 } }] })).toEqual(['1']);
      expect(await ids({ mustNot: [{ key: 'author', match: { value: '100' } }] })).toEqual(['3', '4']);
      expect(await ids({ must: [{ key: 'tags', match: { value: 'b' } }] })).toEqual(['1', '4']);
      expect(await ids({ must: [{ key: 'meta.lang', match: { value: 'en' } }] })).toEqual(['1', '3']);
      expect(
        await ids({
          must: [{ key: 'time', range: { gte: 1_000 } }],
          mustNot: [{ key: 'meta.lang', match: { any: ['fr', 'de'] } }],
        }),
      ).toEqual(['1', '3']);
      // Integers match integers, and a type mismatch does not match: the string "7" is not the number 7.
      expect(await ids({ must: [{ key: 'views', match: { value: 7 } }] })).toEqual(['1']);
      expect(await ids({ must: [{ key: 'views', match: { value: '7' } }] })).toEqual([]);
      // A missing field satisfies no condition: it fails must and passes mustNot.
      expect(await ids({ must: [{ key: 'missing', match: { value: 'x' } }] })).toEqual([]);
      expect(await ids({ mustNot: [{ key: 'missing', match: { value: 'x' } }] })).toEqual(['1', '2', '3', '4']);
    });

    it('keeps 64-bit ids exact through every operation', async () => {
      const c = await collection();
      await index.upsert(c, [
        { id: BIG, vector: [1, 0, 0, 0], payload: { postId: BIG } },
        { id: PAST_53_BITS, vector: [0.9, 0.1, 0, 0], payload: {} },
        { id: '9007199254740992', vector: [0, 1, 0, 0], payload: {} },
        { id: '0', vector: [0, 0, 1, 0], payload: {} },
      ]);
      const results = await index.search(c, { vector: [1, 0, 0, 0], limit: 2 });
      expect(results.map((r) => r.id)).toEqual([BIG, PAST_53_BITS]);
      expect(results[0]?.payload).toEqual({ postId: BIG });
      expect((await index.get(c, [PAST_53_BITS, BIG, '1'])).map((p) => p.id)).toEqual([PAST_53_BITS, BIG]);
      expect((await index.recommend(c, { positive: [BIG], limit: 1 })).map((r) => r.id)).toEqual([PAST_53_BITS]);
      await index.delete(c, [PAST_53_BITS]);
      expect((await index.get(c, ['9007199254740992', PAST_53_BITS])).map((p) => p.id)).toEqual(['9007199254740992']);
      expect(await index.count(c)).toBe(3);
    });

    it('rejects ids that are not unsigned 64-bit decimals, and vectors of the wrong dimension', async () => {
      const c = await collection();
      for (const id of ['-1', '18446744073709551616', '1.5', '007', 'abc', '']) {
        await expect(index.upsert(c, [{ id, vector: [1, 0, 0, 0], payload: {} }])).rejects.toBeInstanceOf(RangeError);
      }
      await expect(index.upsert(c, [{ id: '1', vector: [1, 0, 0], payload: {} }])).rejects.toBeInstanceOf(RangeError);
      await expect(index.upsert(c, [{ id: '1', vector: [1, 0, Number.NaN, 0], payload: {} }])).rejects.toBeInstanceOf(
        RangeError,
      );
      await index.upsert(c, [{ id: '18446744073709551615', vector: [1, 0, 0, 0], payload: {} }]); // 2^64 − 1 is fine
      expect(await index.count(c)).toBe(1);
    });

    it('delete is idempotent and deleted points are never returned', async () => {
      const c = await collection();
      await index.upsert(c, [
        { id: '1', vector: [1, 0, 0, 0], payload: { k: 'a' } },
        { id: '2', vector: [0.9, 0.1, 0, 0], payload: { k: 'a' } },
        { id: '3', vector: [0, 1, 0, 0], payload: { k: 'b' } },
      ]);
      await index.delete(c, ['1', '404']);
      await index.delete(c, ['1']);
      expect(await index.count(c)).toBe(2);
      expect(await index.get(c, ['1'])).toEqual([]);
      expect((await index.search(c, { vector: [1, 0, 0, 0], limit: 10 })).map((r) => r.id)).toEqual(['2', '3']);
      expect((await index.recommend(c, { positive: ['3'], limit: 10 })).map((r) => r.id)).toEqual(['2']);
    });

    it('recommend finds points like the positives, never the positives themselves', async () => {
      const c = await collection();
      await index.upsert(c, [
        { id: '1', vector: unit(1, 0.1, 0, 0), payload: { topic: 'a' } },
        { id: '2', vector: unit(1, 0, 0.1, 0), payload: { topic: 'a' } },
        { id: '3', vector: unit(1, 0.2, 0.2, 0), payload: { topic: 'a' } },
        { id: '4', vector: unit(0, 0, 0, 1), payload: { topic: 'b' } },
        { id: '5', vector: unit(0.1, 0, 0, 1), payload: { topic: 'b' } },
        { id: '6', vector: unit(1, 1, 0, 0), payload: { topic: 'c' } },
      ]);
      const similar = await index.recommend(c, { positive: ['1', '2'], limit: 3 });
      expect(similar.map((r) => r.id)).toEqual(['3', '6', '5']);
      expect(similar.map((r) => r.id)).not.toContain('1');
      expect(similar[0]?.score).toBeGreaterThan(similar[1]?.score ?? 1);
      const filtered = await index.recommend(c, {
        positive: ['1'],
        limit: 10,
        filter: { must: [{ key: 'topic', match: { value: 'b' } }] },
      });
      expect(filtered.map((r) => r.id).sort()).toEqual(['4', '5']);
      await expect(index.recommend(c, { positive: ['999'], limit: 1 })).rejects.toBeInstanceOf(NotFoundError);
    });

    it('recommend steers away from the negatives (average_vector: 2·avg(positive) − avg(negative))', async () => {
      const c = await collection();
      // 11 and 12 are equally close to 10; the negative example decides which one comes first.
      await index.upsert(c, [
        { id: '10', vector: [1, 0, 0, 0], payload: {} },
        { id: '11', vector: unit(1, 1, 0, 0), payload: {} },
        { id: '12', vector: unit(1, 0, 1, 0), payload: {} },
        { id: '13', vector: [0, 1, 0, 0], payload: {} },
        { id: '14', vector: [0, 0, 1, 0], payload: {} },
      ]);
      const awayFrom13 = await index.recommend(c, { positive: ['10'], negative: ['13'], limit: 2 });
      expect(awayFrom13.map((r) => r.id)).toEqual(['12', '11']);
      // target (2, −1, 0, 0)/√5 · (1, 0, 1, 0)/√2 = 2/√10
      expect(awayFrom13[0]?.score).toBeCloseTo(2 / Math.sqrt(10), 4);
      const awayFrom14 = await index.recommend(c, { positive: ['10'], negative: ['14'], limit: 2 });
      expect(awayFrom14.map((r) => r.id)).toEqual(['11', '12']);
    });

    it('count counts all points or those passing a filter', async () => {
      const c = await collection();
      expect(await index.count(c)).toBe(0);
      await index.upsert(
        c,
        ['1', '2', '3', '4', '5'].map((id, i) => ({ id, vector: unit(1, i, 0, 0), payload: { author: i % 2, t: i } })),
      );
      expect(await index.count(c)).toBe(5);
      expect(await index.count(c, { must: [{ key: 'author', match: { value: 0 } }] })).toBe(3);
      expect(await index.count(c, { must: [{ key: 't', range: { gte: 3 } }] })).toBe(2);
    });

    it('answers NotFoundError for a missing collection, and deleteCollection is idempotent', async () => {
      const missing = `contract_${run}_missing`;
      const query = { vector: [1, 0, 0, 0], limit: 1 };
      await expect(index.search(missing, query)).rejects.toBeInstanceOf(NotFoundError);
      await expect(index.upsert(missing, [{ id: '1', vector: [1, 0, 0, 0], payload: {} }])).rejects.toBeInstanceOf(
        NotFoundError,
      );
      await expect(index.count(missing)).rejects.toBeInstanceOf(NotFoundError);
      await expect(index.get(missing, ['1'])).rejects.toBeInstanceOf(NotFoundError);
      await expect(index.delete(missing, ['1'])).rejects.toBeInstanceOf(NotFoundError);
      await expect(index.recommend(missing, { positive: ['1'], limit: 1 })).rejects.toBeInstanceOf(NotFoundError);
      const c = await collection();
      await index.deleteCollection(c);
      await index.deleteCollection(c);
      await expect(index.count(c)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('an alias reaches its collection for reads and writes, and switches atomically', async () => {
      const alias = `contract_${run}_alias`;
      aliases.push(alias);
      const [first, second] = [await collection(), await collection()];
      expect(await index.resolveAlias(alias)).toBeUndefined();
      await index.upsert(first, [{ id: '1', vector: [1, 0, 0, 0], payload: { in: 'first' } }]);
      await index.upsert(second, [{ id: '2', vector: [1, 0, 0, 0], payload: { in: 'second' } }]);

      await index.setAlias(alias, first);
      expect(await index.resolveAlias(alias)).toBe(first);
      expect((await index.search(alias, { vector: [1, 0, 0, 0], limit: 5 })).map((hit) => hit.id)).toEqual(['1']);
      await index.upsert(alias, [{ id: '3', vector: [0, 1, 0, 0], payload: { in: 'first' } }]);
      expect(await index.count(first)).toBe(2);
      await index.delete(alias, ['3']);
      expect(await index.get(first, ['1', '3'])).toEqual([{ id: '1', payload: { in: 'first' } }]);
      expect(await index.recommend(alias, { positive: ['1'], limit: 5 })).toEqual([]);

      await index.setAlias(alias, second); // switch
      expect(await index.resolveAlias(alias)).toBe(second);
      expect(await index.get(alias, ['1', '2'])).toEqual([{ id: '2', payload: { in: 'second' } }]);
      expect(await index.count(first)).toBe(1); // the old collection is untouched

      await index.deleteAlias(alias);
      await index.deleteAlias(alias); // idempotent
      expect(await index.resolveAlias(alias)).toBeUndefined();
      await expect(index.count(alias)).rejects.toBeInstanceOf(NotFoundError);
      expect(await index.count(second)).toBe(1); // deleting an alias keeps its collection
    });

    it('refuses an alias to a missing collection, or named like a collection', async () => {
      const c = await collection();
      await expect(index.setAlias(`contract_${run}_dangling`, `contract_${run}_nothing`)).rejects.toBeInstanceOf(
        NotFoundError,
      );
      const other = await collection();
      await expect(index.setAlias(other, c)).rejects.toBeInstanceOf(ConflictError);
    });

    it('a second instance sees what the first one wrote once it is closed', async () => {
      const c = await collection();
      const alias = `contract_${run}_kept`;
      aliases.push(alias);
      await index.setAlias(alias, c);
      await index.upsert(c, [
        { id: BIG, vector: [1, 0, 0, 0], payload: { text: 'kept', at: 5 } },
        { id: '2', vector: [0, 1, 0, 0], payload: { text: 'also kept' } },
      ]);
      await index.delete(c, ['2']);
      await index.close();
      index = await adapter.open();
      expect(await index.count(c)).toBe(1);
      expect(await index.resolveAlias(alias)).toBe(c);
      const [hit] = await index.search(c, { vector: [1, 0, 0, 0], limit: 5 });
      expect(hit).toEqual({ id: BIG, score: expect.any(Number), payload: { text: 'kept', at: 5 } });
      await expect(index.ensureCollection(c, { dimension: DIM + 1, distance: 'cosine' })).rejects.toBeInstanceOf(
        ConflictError,
      );
    });
  });
}
