// Maps 8192 logical shards onto N physical databases. Data is placed by LOGICAL shard (derived
// from the user id, and stored in the id of everything the user creates), so moving a logical
// shard to a new database is a copy plus a configuration change; no id is ever rewritten.
import { decodeId, LOGICAL_SHARDS } from './id-generator.ts';
import type { RelationalDatabase } from './port.ts';

/** Logical shards `from`..`to` (inclusive) live on `databases[database]`. */
export interface ShardRange {
  from: number;
  to: number;
  database: number;
}

export interface ShardRouterOptions<DB> {
  databases: readonly RelationalDatabase<DB>[];
  /** Explicit placement; default: contiguous, near-equal ranges in database order. */
  ranges?: readonly ShardRange[];
}

export interface ShardRouter<DB> {
  readonly logicalShards: number;
  /** userId mod 8192: deterministic, needs no lookup, spreads sequential and snowflake ids evenly. */
  logicalShardForUser(userId: bigint | string): number;
  databaseForLogical(logicalShard: number): RelationalDatabase<DB>;
  databaseForUser(userId: bigint | string): RelationalDatabase<DB>;
  /** Routes by the logical shard bits inside an Instagram-style id (see id-generator.ts). */
  databaseForId(id: bigint | string): RelationalDatabase<DB>;
  /** Every physical database once, e.g. to apply migrations to every shard. */
  all(): readonly RelationalDatabase<DB>[];
  /** The placement in use, for logs and docs. */
  ranges(): readonly ShardRange[];
}

/** Contiguous ranges: 8192 over 3 databases gives 0–2730, 2731–5461, 5462–8191. */
export function contiguousRanges(databaseCount: number, logicalShards = LOGICAL_SHARDS): ShardRange[] {
  if (!Number.isInteger(databaseCount) || databaseCount < 1 || databaseCount > logicalShards) {
    throw new RangeError(`need between 1 and ${logicalShards} databases, got ${databaseCount}`);
  }
  const base = Math.floor(logicalShards / databaseCount);
  const remainder = logicalShards % databaseCount;
  const ranges: ShardRange[] = [];
  let from = 0;
  for (let database = 0; database < databaseCount; database++) {
    const size = base + (database < remainder ? 1 : 0);
    ranges.push({ from, to: from + size - 1, database });
    from += size;
  }
  return ranges;
}

/** Checks that `ranges` cover every logical shard exactly once and point at existing databases. */
export function validateRanges(ranges: readonly ShardRange[], databaseCount: number): void {
  const sorted = [...ranges].sort((a, b) => a.from - b.from);
  let expected = 0;
  for (const range of sorted) {
    if (!Number.isInteger(range.from) || !Number.isInteger(range.to) || range.to < range.from) {
      throw new RangeError(`invalid shard range ${range.from}-${range.to}`);
    }
    if (!Number.isInteger(range.database) || range.database < 0 || range.database >= databaseCount) {
      throw new RangeError(
        `shard range ${range.from}-${range.to} names database ${range.database}, which does not exist`,
      );
    }
    if (range.from < expected) throw new RangeError(`shard range ${range.from}-${range.to} overlaps the previous one`);
    if (range.from > expected) throw new RangeError(`logical shards ${expected}-${range.from - 1} are not mapped`);
    expected = range.to + 1;
  }
  if (expected !== LOGICAL_SHARDS) {
    throw new RangeError(`logical shards ${expected}-${LOGICAL_SHARDS - 1} are not mapped`);
  }
}

export function createShardRouter<DB>(options: ShardRouterOptions<DB>): ShardRouter<DB> {
  const { databases } = options;
  const ranges = options.ranges ?? contiguousRanges(databases.length);
  validateRanges(ranges, databases.length);
  // A flat table: one array lookup per routing decision.
  const table = new Array<RelationalDatabase<DB>>(LOGICAL_SHARDS);
  for (const range of ranges) {
    const database = databases[range.database] as RelationalDatabase<DB>;
    table.fill(database, range.from, range.to + 1);
  }

  const databaseForLogical = (logicalShard: number): RelationalDatabase<DB> => {
    const database = Number.isInteger(logicalShard) ? table[logicalShard] : undefined;
    if (database === undefined) throw new RangeError(`no logical shard ${logicalShard}`);
    return database;
  };
  const logicalShardForUser = (userId: bigint | string): number => {
    const id = BigInt(userId);
    if (id < 0n) throw new RangeError(`user id must not be negative: ${userId}`);
    return Number(id % BigInt(LOGICAL_SHARDS));
  };
  const distinct = [...new Set(databases)];

  return {
    logicalShards: LOGICAL_SHARDS,
    logicalShardForUser,
    databaseForLogical,
    databaseForUser: (userId) => databaseForLogical(logicalShardForUser(userId)),
    databaseForId: (id) => databaseForLogical(decodeId(id).logicalShard),
    all: () => distinct,
    ranges: () => ranges.map((range) => ({ ...range })),
  };
}
