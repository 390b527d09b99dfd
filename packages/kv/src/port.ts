// The key-value port: what the services need from Redis, and no more. Feed timelines are capped sorted
// sets, rate limits are atomic counters, sessions and login throttles are strings and hashes with TTLs,
// caches are strings, stampede locks are SET NX with a TTL.
//
// Every data command is declared ONCE, synchronously, in `KeyValueCommands`. The store exposes each of
// them as a Promise-returning method, and a batch exposes each of them as a chainable, queued call, so
// the two can never drift apart.

/** Twitter and Mastodon both cap home timelines at 800 entries; `ztrim` uses it when no length is given. */
export const DEFAULT_TIMELINE_LENGTH = 800;

export interface SetOptions {
  /** Expire the key after this many milliseconds (Redis `PX`). Without it, SET clears any previous TTL. */
  ttlMs?: number;
  /** Only write when the key does not exist (Redis `NX`): the building block for locks and dedupe. */
  onlyIfAbsent?: boolean;
}

export interface ScoredMember {
  member: string;
  /** A double, exactly like Redis: integers are exact only up to 2^53, so 64-bit ids do not fit. */
  score: number;
}

/** A score bound: a number is inclusive, `{ exclusive: n }` excludes n. Use ±Infinity for open ends. */
export type ScoreBound = number | { exclusive: number };

/** A lexicographic bound in Redis syntax: `[abc` inclusive, `(abc` exclusive, `-`/`+` the open ends. */
export type LexBound = '-' | '+' | `[${string}` | `(${string}`;

export interface RankRangeOptions {
  /** Count ranks from the highest score down (Redis `REV`). */
  rev?: boolean;
}

export interface LimitedRangeOptions extends RankRangeOptions {
  /** Skip this many matches first (default 0). */
  offset?: number;
  /** Return at most this many matches (default: all). */
  count?: number;
}

export interface RateLimitOptions {
  /** Requests admitted per window. */
  limit: number;
  windowMs: number;
}

export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  /** Requests still admitted in the current window (never negative). */
  remaining: number;
  /** Milliseconds until the current window ends and the budget is full again. */
  resetMs: number;
}

/**
 * The data commands, with Redis semantics. Sorted sets order by score, then by member compared byte by
 * byte (UTF-8), which is what makes lexicographic ranges and equal-score tie-breaks well defined.
 * Commands that take a list (`mget`, `del`, `hdel`, `zadd`, `zrem`, `hset`) need at least one item, as
 * in Redis. Using a key holding another type fails with `WrongTypeError` (`mget` returns null instead).
 */
export interface KeyValueCommands {
  get(key: string): string | null;
  /** One value per key, null where the key is missing or does not hold a string. */
  mget(keys: readonly string[]): (string | null)[];
  /** Returns false only when `onlyIfAbsent` was set and the key already existed. */
  set(key: string, value: string, options?: SetOptions): boolean;
  /** Returns how many of the keys existed. */
  del(...keys: string[]): number;
  /** Returns false when the key does not exist. */
  expire(key: string, ttlMs: number): boolean;
  /** Remaining time to live in ms, -1 when the key has no TTL, -2 when it does not exist (Redis PTTL). */
  ttl(key: string): number;
  /** Atomic; a missing key counts from 0. Fails with `NotIntegerError` on a non-integer value. */
  incrBy(key: string, by: number): number;

  hget(key: string, field: string): string | null;
  /** Returns how many fields were new. */
  hset(key: string, fields: Readonly<Record<string, string>>): number;
  /** `{}` for a missing key. */
  hgetall(key: string): Record<string, string>;
  /** Returns how many fields existed. A hash left empty is deleted. */
  hdel(key: string, ...fields: string[]): number;
  hincrBy(key: string, field: string, by: number): number;

  /** Adds members or updates their scores; returns how many members were new. */
  zadd(key: string, members: readonly ScoredMember[]): number;
  /** Returns how many members existed. A sorted set left empty is deleted. */
  zrem(key: string, ...members: string[]): number;
  zcard(key: string): number;
  zscore(key: string, member: string): number | null;
  /** Members by rank, inclusive, negative ranks counting from the end (-1 is the last). */
  zrange(key: string, start: number, stop: number, options?: RankRangeOptions): ScoredMember[];
  /** Members with min ≤ score ≤ max (bounds may be exclusive); with `rev`, from max down to min. */
  zrangeByScore(key: string, min: ScoreBound, max: ScoreBound, options?: LimitedRangeOptions): ScoredMember[];
  /** Members between two lexicographic bounds; meaningful when all members share one score. */
  zrangeByLex(key: string, min: LexBound, max: LexBound, options?: LimitedRangeOptions): string[];
  /** Removes members by rank (inclusive, negative ranks allowed); returns how many were removed. */
  zremRangeByRank(key: string, start: number, stop: number): number;
  /** Keeps the `maxLen` highest-scored members and removes the rest; returns how many were removed. */
  ztrim(key: string, maxLen?: number): number;
}

type Command = (...args: never[]) => unknown;

/** Every command as an async method of the store. */
export type AsyncCommands = {
  [K in keyof KeyValueCommands]: KeyValueCommands[K] extends Command
    ? (...args: Parameters<KeyValueCommands[K]>) => Promise<ReturnType<KeyValueCommands[K]>>
    : never;
};

/**
 * Commands queued and sent together by `exec()`, in one round trip, as ONE transaction: no other client's
 * command runs in between (Redis MULTI/EXEC). There is no rollback: when one command fails (say
 * `incrBy` on a non-integer) the others still take effect, and `exec()` rejects with the first failure.
 * The result tuple is typed from the queued calls. Invalid arguments throw at the call that queues them.
 */
export type KeyValueBatch<R extends unknown[] = []> = {
  [K in keyof KeyValueCommands]: KeyValueCommands[K] extends Command
    ? (...args: Parameters<KeyValueCommands[K]>) => KeyValueBatch<[...R, ReturnType<KeyValueCommands[K]>]>
    : never;
} & {
  exec(): Promise<R>;
};

export interface KeyValueStore extends AsyncCommands {
  batch(): KeyValueBatch;
  /**
   * Fixed-window rate limit, atomic under any concurrency: counts this call against `key` and says
   * whether it is admitted. The window starts with the first call and lasts `windowMs`.
   */
  rateLimit(key: string, options: RateLimitOptions): Promise<RateLimitResult>;
  /** Resolves when the store answers; rejects with `UnavailableError` otherwise (for readiness probes). */
  ping(): Promise<void>;
  /** Releases connections and timers. Idempotent; later calls fail with `UnavailableError`. */
  close(): Promise<void>;
}
