// Instagram-style 64-bit ids, generated in the application without a round trip to a sequence:
//
//   | 41 bits: ms since ID_EPOCH | 13 bits: logical shard | 10 bits: sequence |
//
// The timestamp in the high bits makes ids sort by creation time (to the millisecond) and the shard
// bits let an id alone route to its database (see shard-router.ts). Postgres `bigint` is signed, so
// ids stay positive only while the timestamp fits 40 bits: until 2059-11-03 with this epoch; the
// generator refuses to issue ids past that rather than wrap into negative numbers.

/** 2025-01-01T00:00:00Z. Custom rather than the Unix epoch so that the 41 bits last from the project's start. */
export const ID_EPOCH_MS = Date.UTC(2025, 0, 1);
export const TIMESTAMP_BITS = 41n;
export const SHARD_BITS = 13n;
export const SEQUENCE_BITS = 10n;
/** 8192 logical shards. */
export const LOGICAL_SHARDS = 1 << Number(SHARD_BITS);
/** 1024 ids per logical shard per millisecond. */
export const SEQUENCES_PER_MS = 1 << Number(SEQUENCE_BITS);
const MAX_POSITIVE_ELAPSED_MS = 2 ** 40 - 1;

export interface IdClock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Resolves after about `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
}

export const systemClock: IdClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface IdGeneratorOptions {
  clock?: IdClock;
  /** Returns the first sequence number of a millisecond, 0..1023 (default: uniformly random). */
  randomSequenceStart?: () => number;
  /** Give up (throw) rather than wait longer than this for a clock that jumped backwards (default 5 000 ms). */
  maxClockBackwardsMs?: number;
}

export interface IdGenerator {
  /** A new id on `logicalShard` (0..8191). Waits when the shard's 1024 ids of this millisecond are used up. */
  next(logicalShard: number): Promise<bigint>;
  /** Same as `next`, as the decimal string ids travel as in JSON. */
  nextString(logicalShard: number): Promise<string>;
}

export interface DecodedId {
  timestamp: Date;
  logicalShard: number;
  sequence: number;
}

export function encodeId(elapsedMs: number, logicalShard: number, sequence: number): bigint {
  return (
    (BigInt(elapsedMs) << (SHARD_BITS + SEQUENCE_BITS)) | (BigInt(logicalShard) << SEQUENCE_BITS) | BigInt(sequence)
  );
}

export function decodeId(id: bigint | string): DecodedId {
  const value = BigInt(id);
  if (value < 0n || value >= 1n << 63n) throw new RangeError(`not a 64-bit id: ${id}`);
  const elapsed = value >> (SHARD_BITS + SEQUENCE_BITS);
  return {
    timestamp: new Date(ID_EPOCH_MS + Number(elapsed)),
    logicalShard: Number((value >> SEQUENCE_BITS) & BigInt(LOGICAL_SHARDS - 1)),
    sequence: Number(value & BigInt(SEQUENCES_PER_MS - 1)),
  };
}

/** The smallest id of the millisecond `time`: `where id >= idFloorForTime(t)` selects rows created since `t`. */
export function idFloorForTime(time: Date): bigint {
  return encodeId(Math.max(0, time.getTime() - ID_EPOCH_MS), 0, 0);
}

function assertShard(logicalShard: number): void {
  if (!Number.isInteger(logicalShard) || logicalShard < 0 || logicalShard >= LOGICAL_SHARDS) {
    throw new RangeError(`logical shard must be an integer in 0..${LOGICAL_SHARDS - 1}, got ${logicalShard}`);
  }
}

interface ShardState {
  /** The millisecond (since ID_EPOCH_MS) whose sequence is being handed out. */
  elapsedMs: number;
  /** Where this millisecond's sequence started: random, so that two replicas on one shard rarely collide. */
  start: number;
  /** Ids issued in this millisecond. */
  issued: number;
}

export function createIdGenerator(options: IdGeneratorOptions = {}): IdGenerator {
  const clock = options.clock ?? systemClock;
  const randomStart = options.randomSequenceStart ?? (() => Math.floor(Math.random() * SEQUENCES_PER_MS));
  const maxBackwardsMs = options.maxClockBackwardsMs ?? 5_000;
  const shards = new Map<number, ShardState>();

  async function next(logicalShard: number): Promise<bigint> {
    assertShard(logicalShard);
    for (;;) {
      const elapsedMs = clock.now() - ID_EPOCH_MS;
      if (elapsedMs < 0 || elapsedMs > MAX_POSITIVE_ELAPSED_MS) {
        throw new RangeError(`clock ${new Date(clock.now()).toISOString()} is outside the id timestamp range`);
      }
      const state = shards.get(logicalShard);
      if (state === undefined || elapsedMs > state.elapsedMs) {
        // A new millisecond: start its sequence at a random point and wrap around, so all 1024 are usable.
        const start = randomStart() % SEQUENCES_PER_MS;
        shards.set(logicalShard, { elapsedMs, start, issued: 1 });
        return encodeId(elapsedMs, logicalShard, start);
      }
      // The clock is in the same millisecond, or went backwards (NTP step, VM migration). Never issue
      // an id from the past: keep using the last millisecond while its sequence lasts, then wait.
      if (state.issued < SEQUENCES_PER_MS) {
        const sequence = (state.start + state.issued) % SEQUENCES_PER_MS;
        state.issued++;
        return encodeId(state.elapsedMs, logicalShard, sequence);
      }
      const behindMs = state.elapsedMs - elapsedMs;
      if (behindMs > maxBackwardsMs) {
        throw new Error(`clock moved backwards by ${behindMs} ms; refusing to issue ids`);
      }
      await clock.sleep(behindMs + 1);
    }
  }

  return {
    next,
    nextString: async (logicalShard) => (await next(logicalShard)).toString(10),
  };
}
