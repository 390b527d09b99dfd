import { describe, expect, it } from '@jest/globals';
import { encodeId } from '../src/id-generator.ts';
import type { RelationalDatabase } from '../src/port.ts';
import { contiguousRanges, createShardRouter } from '../src/shard-router.ts';

// Routing never touches the databases, so labelled stand-ins are enough here; the routing against
// three real PostgreSQL databases is in postgres-sharding.test.ts.
const fakeDatabases = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ name: `db${i}` }) as unknown as RelationalDatabase<unknown>);

describe('shard router', () => {
  it('splits 8192 logical shards into contiguous, near-equal ranges', () => {
    expect(contiguousRanges(3)).toEqual([
      { from: 0, to: 2730, database: 0 },
      { from: 2731, to: 5461, database: 1 },
      { from: 5462, to: 8191, database: 2 },
    ]);
    expect(contiguousRanges(1)).toEqual([{ from: 0, to: 8191, database: 0 }]);
    expect(() => contiguousRanges(0)).toThrow(RangeError);
  });

  it('routes users by userId mod 8192 and ids by their shard bits', () => {
    const router = createShardRouter({ databases: fakeDatabases(3) });
    expect(router.logicalShards).toBe(8192);
    expect(router.logicalShardForUser(8192n + 5n)).toBe(5);
    expect(router.logicalShardForUser('2731')).toBe(2731);
    expect(router.databaseForUser(2730n).name).toBe('db0');
    expect(router.databaseForUser(2731n).name).toBe('db1');
    expect(router.databaseForUser('8191').name).toBe('db2');
    expect(router.databaseForId(encodeId(1_000, 5462, 0)).name).toBe('db2');
    expect(router.databaseForId(encodeId(1_000, 0, 1023).toString()).name).toBe('db0');
    expect(router.all().map((database) => database.name)).toEqual(['db0', 'db1', 'db2']);
    expect(() => router.logicalShardForUser(-1n)).toThrow(RangeError);
    expect(() => router.databaseForLogical(8192)).toThrow(RangeError);
  });

  it('accepts an explicit, complete placement', () => {
    const router = createShardRouter({
      databases: fakeDatabases(2),
      ranges: [
        { from: 100, to: 8191, database: 0 },
        { from: 0, to: 99, database: 1 },
      ],
    });
    expect(router.databaseForLogical(99).name).toBe('db1');
    expect(router.databaseForLogical(100).name).toBe('db0');
  });

  it('rejects placements with gaps, overlaps or unknown databases', () => {
    const databases = fakeDatabases(2);
    const gap = [
      { from: 0, to: 99, database: 0 },
      { from: 101, to: 8191, database: 1 },
    ];
    const overlap = [
      { from: 0, to: 100, database: 0 },
      { from: 100, to: 8191, database: 1 },
    ];
    const short = [{ from: 0, to: 8000, database: 0 }];
    const unknown = [{ from: 0, to: 8191, database: 2 }];
    expect(() => createShardRouter({ databases, ranges: gap })).toThrow(/100-100 are not mapped/);
    expect(() => createShardRouter({ databases, ranges: overlap })).toThrow(/overlaps/);
    expect(() => createShardRouter({ databases, ranges: short })).toThrow(/8001-8191 are not mapped/);
    expect(() => createShardRouter({ databases, ranges: unknown })).toThrow(/does not exist/);
  });
});
