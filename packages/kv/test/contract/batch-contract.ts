// Contract: batches are one transaction (ordered, isolated, no rollback).
import { describe, expect, it } from '@jest/globals';
import { NotIntegerError } from '../../src/errors.ts';
import type { KeyValueStore } from '../../src/port.ts';

export function describeBatchContract(kv: () => KeyValueStore): void {
  describe('batch', () => {
    it('runs queued commands in order and returns their results in order', async () => {
      const results = await kv()
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
      expect(await kv().batch().exec()).toEqual([]);
    });

    it('has no rollback: a failing command does not undo the others, and exec rejects', async () => {
      await kv().set('b:text', 'not a number');
      const batch = kv().batch().set('b:before', '1').incrBy('b:text', 1).set('b:after', '2');
      await expect(batch.exec()).rejects.toThrow(NotIntegerError);
      expect(await kv().mget(['b:before', 'b:after'])).toEqual(['1', '2']);
    });

    it('is isolated: concurrent batches never interleave', async () => {
      // Each batch writes the same two keys; without isolation some reader would see a mixed pair.
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          kv()
            .batch()
            .set('b:pair1', `${i}`)
            .set('b:pair2', `${i}`)
            .exec()
            .then(async () => {
              const [one, two] = (await kv().batch().get('b:pair1').get('b:pair2').exec()) as [string, string];
              expect(one).toBe(two);
            }),
        ),
      );
    });

    it('rejects invalid arguments when they are queued, before anything is sent', async () => {
      const batch = kv().batch().set('b:never', 'x');
      expect(() => batch.expire('b:never', 0)).toThrow(RangeError);
      expect(() => kv().batch().zadd('b:never', [])).toThrow(RangeError);
      expect(await kv().get('b:never')).toBeNull();
    });
  });
}
