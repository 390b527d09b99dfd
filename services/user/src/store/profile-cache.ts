// Cache-aside for profile reads (docs/adr/0018-profile-cache-aside-invalidated-after-commit.md). Reads
// try the cache, fall back to Postgres and fill the cache with a TTL; every write that changes a profile
// or its counts invalidates the entry AFTER its transaction commits. The cache is an optimisation,
// never a dependency: when the key-value store fails, reads go to Postgres and the failure is logged.
//
// Invalidation writes a short-lived marker instead of deleting, and fills only write where nothing is
// (SET NX). That closes the classic cache-aside race — a reader that fetched the old row before the
// commit and writes it into the cache after the invalidation — as long as the reader takes less than
// the marker's lifetime between its read and its fill.
import type { UserProfile } from '@scalegram/contracts/users';
import type { KeyValueStore } from '@scalegram/kv/port';

export interface CacheLogger {
  warn(details: Record<string, unknown>, message: string): void;
}

export interface ProfileCache {
  /** The cached profile, or undefined on a miss (or when the store is unreachable). */
  get(id: string): Promise<UserProfile | undefined>;
  /** Fills the entry unless it exists, or was invalidated in the last few seconds. */
  set(profile: UserProfile): Promise<void>;
  /** The cached id for a username key (lower-cased), or undefined. */
  getIdByUsername(usernameKey: string): Promise<string | undefined>;
  setIdByUsername(usernameKey: string, id: string): Promise<void>;
  /** Invalidates these users' (and usernames') entries; call after the write has committed. */
  invalidate(ids: readonly string[], usernameKeys?: readonly string[]): Promise<void>;
}

export interface ProfileCacheOptions {
  kv: KeyValueStore;
  ttlMs: number;
  logger: CacheLogger;
  /** How long an invalidated entry refuses fills (default 5 s). Reads go to Postgres meanwhile. */
  invalidationMarkerMs?: number;
}

/** Not JSON and not an id, so it can never be mistaken for a value. */
export const INVALIDATED = '!invalidated';

const profileKey = (id: string) => `profile:${id}`;
const usernameKeyOf = (key: string) => `username:${key}`;
const cachedValue = (stored: string | null) => (stored === null || stored === INVALIDATED ? undefined : stored);

export function createProfileCache(options: ProfileCacheOptions): ProfileCache {
  const { kv, ttlMs, logger } = options;
  const markerMs = options.invalidationMarkerMs ?? 5_000;

  async function bestEffort<T>(operation: string, fallback: T, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      logger.warn({ err: error, operation }, 'profile cache unavailable; using the database');
      return fallback;
    }
  }

  const fill = (key: string, value: string) =>
    bestEffort('set', undefined, async () => {
      await kv.set(key, value, { ttlMs, onlyIfAbsent: true });
    });

  return {
    get: (id) =>
      bestEffort('get', undefined, async () => {
        const cached = cachedValue(await kv.get(profileKey(id)));
        return cached === undefined ? undefined : (JSON.parse(cached) as UserProfile);
      }),
    set: (profile) => fill(profileKey(profile.id), JSON.stringify(profile)),
    getIdByUsername: (key) => bestEffort('get', undefined, async () => cachedValue(await kv.get(usernameKeyOf(key)))),
    setIdByUsername: (key, id) => fill(usernameKeyOf(key), id),
    // A failed invalidation leaves the old entry until its TTL expires: the bound ADR 0018 documents.
    invalidate: (ids, usernameKeys = []) =>
      bestEffort('invalidate', undefined, async () => {
        const keys = [...new Set([...ids.map(profileKey), ...usernameKeys.map(usernameKeyOf)])];
        if (keys.length === 0) return;
        const batch = kv.batch();
        for (const key of keys) batch.set(key, INVALIDATED, { ttlMs: markerMs });
        await batch.exec();
      }),
  };
}
