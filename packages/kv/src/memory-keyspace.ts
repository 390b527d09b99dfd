// The in-memory keyspace: every data command, synchronously, with Redis semantics. Being synchronous is
// what makes it atomic: JavaScript runs one call to completion before the next, just as Redis runs one
// command (or one MULTI block, or one Lua script) at a time.
//
// Expiry works like Redis's: a key past its deadline is deleted when it is next touched (lazy), and a
// periodic sweep (driven by the store) reclaims expired keys nobody touches, a bounded number per tick.
import type { CommandCall, CommandResult } from './command-call.ts';
import { WrongTypeError } from './errors.ts';
import { SortedSet } from './memory-sorted-set.ts';
import { DEFAULT_TIMELINE_LENGTH, type RateLimitOptions, type RateLimitResult } from './port.ts';
import { toRateLimitResult } from './rate-limit-script.ts';
import { incrementInteger } from './redis-integer.ts';

type Entry =
  | { type: 'string'; value: string }
  | { type: 'hash'; value: Map<string, string> }
  | { type: 'zset'; value: SortedSet };

/** One key as a snapshot holds it (memory-snapshot.ts): its value and its absolute deadline, if any. */
export type KeyspaceRecord = { key: string; deadline?: number } & (
  | { type: 'string'; value: string }
  | { type: 'hash'; value: [string, string][] }
  | { type: 'zset'; value: [string, number][] }
);

type EntryOf<T extends Entry['type']> = Extract<Entry, { type: T }>;

const WRONG_TYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

export class MemoryKeyspace {
  readonly #entries = new Map<string, Entry>();
  /** Absolute deadlines (epoch ms) of the keys that have a TTL. */
  readonly #deadlines = new Map<string, number>();
  #sweepCursor: Iterator<[string, number]> = this.#deadlines.entries();

  /** How many keys exist, counting expired keys not yet reclaimed (like Redis's DBSIZE). */
  get size(): number {
    return this.#entries.size;
  }

  /** Executes one command. Arguments were already checked (see argument-checks.ts). */
  execute(call: CommandCall): CommandResult<CommandCall['name']> {
    const key = call.args[0] as string; // every command but mget takes its key first
    switch (call.name) {
      case 'get':
        return this.#find(key, 'string')?.value ?? null;
      case 'mget':
        return call.args[0].map((k) => {
          const entry = this.#lookup(k);
          return entry?.type === 'string' ? entry.value : null;
        });
      case 'set': {
        const { ttlMs, onlyIfAbsent } = call.args[2] ?? {};
        if (onlyIfAbsent && this.#lookup(key)) return false;
        this.#entries.set(key, { type: 'string', value: call.args[1] });
        // A plain SET discards the old TTL, as in Redis.
        if (ttlMs === undefined) this.#deadlines.delete(key);
        else this.#deadlines.set(key, Date.now() + ttlMs);
        return true;
      }
      case 'del':
        return call.args.filter((k) => this.#lookup(k) && this.#remove(k)).length;
      case 'expire':
        if (!this.#lookup(key)) return false;
        this.#deadlines.set(key, Date.now() + call.args[1]);
        return true;
      case 'ttl': {
        if (!this.#lookup(key)) return -2;
        const deadline = this.#deadlines.get(key);
        return deadline === undefined ? -1 : Math.max(0, deadline - Date.now());
      }
      case 'incrBy': {
        const next = incrementInteger(this.#find(key, 'string')?.value, call.args[1], 'value is not an integer');
        // Like INCRBY, update the value in place and keep the key's TTL.
        this.#entries.set(key, { type: 'string', value: next.toString() });
        return Number(next);
      }
      case 'hget':
        return this.#find(key, 'hash')?.value.get(call.args[1]) ?? null;
      case 'hset': {
        const hash = this.#findOrCreate(key, 'hash', () => new Map());
        let added = 0;
        for (const [field, value] of Object.entries(call.args[1])) {
          if (!hash.has(field)) added++;
          hash.set(field, value);
        }
        return added;
      }
      case 'hgetall':
        return Object.fromEntries(this.#find(key, 'hash')?.value ?? []);
      case 'hdel': {
        const hash = this.#find(key, 'hash')?.value;
        if (!hash) return 0;
        const removed = call.args.slice(1).filter((field) => hash.delete(field)).length;
        if (hash.size === 0) this.#remove(key);
        return removed;
      }
      case 'hincrBy': {
        const hash = this.#findOrCreate(key, 'hash', () => new Map());
        const [, field, by] = call.args;
        const next = incrementInteger(hash.get(field), by, 'hash value is not an integer');
        hash.set(field, next.toString());
        return Number(next);
      }
      case 'zadd': {
        const set = this.#findOrCreate(key, 'zset', () => new SortedSet());
        return call.args[1].filter(({ member, score }) => set.add(member, score)).length;
      }
      case 'zrem': {
        const set = this.#find(key, 'zset')?.value;
        if (!set) return 0;
        const removed = call.args.slice(1).filter((member) => set.remove(member)).length;
        if (set.size === 0) this.#remove(key);
        return removed;
      }
      case 'zcard':
        return this.#find(key, 'zset')?.value.size ?? 0;
      case 'zscore':
        return this.#find(key, 'zset')?.value.score(call.args[1]) ?? null;
      case 'zrange':
        return this.#find(key, 'zset')?.value.rangeByRank(call.args[1], call.args[2], !!call.args[3]?.rev) ?? [];
      case 'zrangeByScore': {
        const [, min, max, options = {}] = call.args;
        const set = this.#find(key, 'zset')?.value;
        return set?.rangeByScore(min, max, !!options.rev, options.offset, options.count) ?? [];
      }
      case 'zrangeByLex': {
        const [, min, max, options = {}] = call.args;
        const set = this.#find(key, 'zset')?.value;
        return set?.rangeByLex(min, max, !!options.rev, options.offset, options.count) ?? [];
      }
      case 'zremRangeByRank':
        return this.#removeRanks(key, call.args[1], call.args[2]);
      case 'ztrim':
        // Ascending rank order puts the lowest scores first: drop everything below the top maxLen.
        return this.#removeRanks(key, 0, -(call.args[1] ?? DEFAULT_TIMELINE_LENGTH) - 1);
    }
  }

  /** The fixed-window algorithm of rate-limit-script.ts, step for step. */
  rateLimit(key: string, { limit, windowMs }: RateLimitOptions): RateLimitResult {
    const count = this.execute({ name: 'incrBy', args: [key, 1] }) as number;
    if (count === 1) this.execute({ name: 'expire', args: [key, windowMs] });
    let resetMs = this.execute({ name: 'ttl', args: [key] }) as number;
    if (resetMs < 0) {
      this.execute({ name: 'expire', args: [key, windowMs] });
      resetMs = windowMs;
    }
    return toRateLimitResult([count, resetMs], { limit, windowMs });
  }

  /** Reclaims expired keys, examining at most `budget` keys with a TTL; resumes where it stopped. */
  sweep(budget: number): number {
    const now = Date.now();
    let removed = 0;
    for (let examined = 0; examined < budget; examined++) {
      const next = this.#sweepCursor.next();
      if (next.done) {
        this.#sweepCursor = this.#deadlines.entries(); // start the next round on the next tick
        break;
      }
      const [key, deadline] = next.value;
      if (now > deadline && this.#remove(key)) removed++;
    }
    return removed;
  }

  /** Every live key, for a snapshot (expired keys not yet reclaimed are left out). */
  *records(): Generator<KeyspaceRecord> {
    const now = Date.now();
    for (const [key, entry] of this.#entries) {
      const deadline = this.#deadlines.get(key);
      if (deadline !== undefined && now > deadline) continue;
      const timing = deadline === undefined ? {} : { deadline };
      if (entry.type === 'string') yield { key, type: 'string', value: entry.value, ...timing };
      else if (entry.type === 'hash') yield { key, type: 'hash', value: [...entry.value], ...timing };
      else {
        const members = entry.value.rangeByRank(0, -1, false);
        yield { key, type: 'zset', value: members.map(({ member, score }) => [member, score]), ...timing };
      }
    }
  }

  /** Puts back a key from a snapshot, unless its deadline has passed meanwhile. */
  restore(record: KeyspaceRecord): void {
    if (record.deadline !== undefined && Date.now() > record.deadline) return;
    if (record.type === 'string') this.#entries.set(record.key, { type: 'string', value: record.value });
    else if (record.type === 'hash') this.#entries.set(record.key, { type: 'hash', value: new Map(record.value) });
    else {
      const set = new SortedSet();
      for (const [member, score] of record.value) set.add(member, score);
      this.#entries.set(record.key, { type: 'zset', value: set });
    }
    if (record.deadline === undefined) this.#deadlines.delete(record.key);
    else this.#deadlines.set(record.key, record.deadline);
  }

  clear(): void {
    this.#entries.clear();
    this.#deadlines.clear();
  }

  #removeRanks(key: string, start: number, stop: number): number {
    const set = this.#find(key, 'zset')?.value;
    if (!set) return 0;
    const removed = set.removeRangeByRank(start, stop);
    if (set.size === 0) this.#remove(key);
    return removed;
  }

  /** The live entry for a key, deleting it first if its deadline has passed (Redis: now > deadline). */
  #lookup(key: string): Entry | undefined {
    const deadline = this.#deadlines.get(key);
    if (deadline !== undefined && Date.now() > deadline) this.#remove(key);
    return this.#entries.get(key);
  }

  #find<T extends Entry['type']>(key: string, type: T): EntryOf<T> | undefined {
    const entry = this.#lookup(key);
    if (entry && entry.type !== type) throw new WrongTypeError(WRONG_TYPE);
    return entry as EntryOf<T> | undefined;
  }

  #findOrCreate<T extends Entry['type']>(key: string, type: T, create: () => EntryOf<T>['value']): EntryOf<T>['value'] {
    const existing = this.#find(key, type);
    if (existing) return existing.value as EntryOf<T>['value'];
    const value = create();
    this.#entries.set(key, { type, value } as Entry);
    return value;
  }

  #remove(key: string): boolean {
    this.#deadlines.delete(key);
    return this.#entries.delete(key);
  }
}
