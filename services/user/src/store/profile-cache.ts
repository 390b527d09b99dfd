// Cache-aside for profile reads (docs/adr/0018-profile-cache-aside.md). Reads try the cache, fall back
// to Postgres and fill the cache with a TTL; every write that changes a profile or its counts deletes
// the entry AFTER its transaction commits. The cache is an optimisation, never a dependency: when the
// key-value store fails, reads go to Postgres and the failure is logged, not returned.
import type { UserProfile } from '@scalegram/contracts/users';
import type { KeyValueStore } from '@scalegram/kv/port';

export interface CacheLogger {
  warn(details: Record<string, unknown>, message: string): void;
}

export interface ProfileCache {
  /** The cached profile, or undefined on a miss (or when the store is unreachable). */
  get(id: string): Promise<UserProfile | undefined>;
  set(profile: UserProfile): Promise<void>;
  /** The cached id for a username key (lower-cased), or undefined. */
  getIdByUsername(usernameKey: string): Promise<string | undefined>;
  setIdByUsername(usernameKey: string, id: string): Promise<void>;
  /** Deletes the entries of these users (and usernames); call after the write has committed. */
  invalidate(ids: readonly string[], usernameKeys?: readonly string[]): Promise<void>;
}

export interface ProfileCacheOptions {
  kv: KeyValueStore;
  ttlMs: number;
  logger: CacheLogger;
}

const profileKey = (id: string) => `profile:${id}`;
const usernameKeyOf = (key: string) => `username:${key}`;

export function createProfileCache(options: ProfileCacheOptions): ProfileCache {
  const { kv, ttlMs, logger } = options;

  async function bestEffort<T>(operation: string, fallback: T, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      logger.warn({ err: error, operation }, 'profile cache unavailable; using the database');
      return fallback;
    }
  }

  return {
    get: (id) =>
      bestEffort('get', undefined, async () => {
        const cached = await kv.get(profileKey(id));
        return cached === null ? undefined : (JSON.parse(cached) as UserProfile);
      }),
    set: (profile) =>
      bestEffort('set', undefined, async () => {
        await kv.set(profileKey(profile.id), JSON.stringify(profile), { ttlMs });
      }),
    getIdByUsername: (key) => bestEffort('get', undefined, async () => (await kv.get(usernameKeyOf(key))) ?? undefined),
    setIdByUsername: (key, id) =>
      bestEffort('set', undefined, async () => {
        await kv.set(usernameKeyOf(key), id, { ttlMs });
      }),
    // A failed delete leaves a stale entry until its TTL expires: the bound ADR 0018 documents.
    invalidate: (ids, usernameKeys = []) =>
      bestEffort('invalidate', undefined, async () => {
        const keys = [...ids.map(profileKey), ...usernameKeys.map(usernameKeyOf)];
        if (keys.length > 0) await kv.del(...keys);
      }),
  };
}
