// The profile cache: reads are served from Redis, every write that changes a profile or its counts
// deletes the entry after committing (so a read after a write is never stale), and when Redis dies
// the service keeps answering from Postgres.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRedisStore } from '@scalegram/kv/redis-store';
import { type PrivateRedis, startPrivateRedis } from '@scalegram/test-support/private-redis';
import { createProfileCache } from '../src/store/profile-cache.ts';
import { bearer, type Harness, startHarness } from './support/user-harness.ts';

const TTL_MS = 20_000;
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ profileCacheTtlMs: TTL_MS });
});

afterAll(async () => {
  await h.close();
});

const get = (token: string, id: string) => h.app.inject({ url: `/api/v1/users/${id}`, headers: bearer(token) });

describe('profile cache (Redis)', () => {
  it('serves repeated reads from the cache, with the configured TTL', async () => {
    const user = await h.register();
    await get(user.token, user.id);
    const ttl = await h.kv.ttl(`profile:${user.id}`);
    expect(ttl).toBeGreaterThan(TTL_MS - 5_000);
    expect(ttl).toBeLessThanOrEqual(TTL_MS);
    // Change the row behind the service's back: the cached copy is what the next read returns,
    // which proves the read did not go to Postgres.
    await h.db.database.db.updateTable('users').set({ bio: 'changed directly' }).where('id', '=', user.id).execute();
    expect((await get(user.token, user.id)).json().bio).toBe('');
  });

  it('a read after PATCH returns the new profile, by id, by username and as "me"', async () => {
    const user = await h.register();
    await get(user.token, user.id);
    await h.app.inject({ url: `/api/v1/users/by-username/${user.username}`, headers: bearer(user.token) });
    const patch = await h.app.inject({
      method: 'PATCH',
      url: '/api/v1/users/me',
      headers: bearer(user.token),
      payload: { displayName: 'Renamed', bio: 'fresh' },
    });
    expect(patch.statusCode).toBe(200);
    for (const url of [`/api/v1/users/${user.id}`, `/api/v1/users/by-username/${user.username}`, '/api/v1/users/me']) {
      const response = await h.app.inject({ url, headers: bearer(user.token) });
      expect(response.json()).toMatchObject({ displayName: 'Renamed', bio: 'fresh' });
    }
  });

  it('a read after follow and unfollow shows both counts at once', async () => {
    const [fan, idol] = [await h.register(), await h.register()];
    await get(fan.token, fan.id);
    await get(fan.token, idol.id);
    await h.app.inject({ method: 'PUT', url: `/api/v1/users/${idol.id}/follow`, headers: bearer(fan.token) });
    expect((await get(fan.token, idol.id)).json().followerCount).toBe(1);
    expect((await get(fan.token, fan.id)).json().followingCount).toBe(1);
    await h.app.inject({ method: 'DELETE', url: `/api/v1/users/${idol.id}/follow`, headers: bearer(fan.token) });
    expect((await get(fan.token, idol.id)).json().followerCount).toBe(0);
    expect((await get(fan.token, fan.id)).json().followingCount).toBe(0);
  });
});

describe('the cache-aside race', () => {
  it('a reader that fetched the old row before a commit cannot put it back after the invalidation', async () => {
    const user = await h.register();
    const cache = createProfileCache({
      kv: h.kv,
      ttlMs: TTL_MS,
      logger: { warn: () => undefined },
      invalidationMarkerMs: 400,
    });
    const old = (await get(user.token, user.id)).json();
    await h.kv.del(`profile:${user.id}`);
    // Reader: misses and reads the old row from Postgres (`old`) ... then the writer commits and
    // invalidates ... then the reader fills the cache with what it read.
    expect(await cache.get(user.id)).toBeUndefined();
    await cache.invalidate([user.id]);
    await cache.set(old);
    expect(await cache.get(user.id)).toBeUndefined();
    // Once the marker has expired, fills work again.
    await new Promise((resolve) => setTimeout(resolve, 600));
    await cache.set({ ...old, bio: 'fresh' });
    expect((await cache.get(user.id))?.bio).toBe('fresh');
  });

  it('a fill never overwrites an entry that is already there', async () => {
    const user = await h.register();
    const cache = createProfileCache({ kv: h.kv, ttlMs: TTL_MS, logger: { warn: () => undefined } });
    const current = (await get(user.token, user.id)).json();
    await cache.set({ ...current, bio: 'late and stale' });
    expect((await cache.get(user.id))?.bio).toBe(current.bio);
  });
});

describe('when Redis goes away', () => {
  let redis: PrivateRedis;
  let down: Harness;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    down = await startHarness({ kv: await createRedisStore({ url: redis.url, keyPrefix: 'user:' }) });
  });

  afterAll(async () => {
    await down.close();
    await down.kv.close();
    await redis.kill();
  });

  it('answers reads and writes from Postgres, fresh, and reports the store as not ready', async () => {
    const [user, other] = [await down.register(), await down.register()];
    const warm = await down.app.inject({ url: `/api/v1/users/${user.id}`, headers: bearer(user.token) });
    expect(warm.statusCode).toBe(200);
    expect(await down.kv.get(`profile:${user.id}`)).not.toBeNull();

    await redis.kill();

    const patch = await down.app.inject({
      method: 'PATCH',
      url: '/api/v1/users/me',
      headers: bearer(user.token),
      payload: { bio: 'written while Redis is down' },
    });
    expect(patch.statusCode).toBe(200);
    const follow = await down.app.inject({
      method: 'PUT',
      url: `/api/v1/users/${user.id}/follow`,
      headers: bearer(other.token),
    });
    expect(follow.statusCode).toBe(204);
    const read = await down.app.inject({ url: `/api/v1/users/${user.id}`, headers: bearer(user.token) });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ bio: 'written while Redis is down', followerCount: 1 });
    const byName = await down.app.inject({
      url: `/api/v1/users/by-username/${user.username}`,
      headers: bearer(user.token),
    });
    expect(byName.statusCode).toBe(200);

    // The cache is best-effort: a Redis outage must not take the service out of rotation.
    const ready = await down.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks).toEqual([{ name: 'postgres', status: 'ok' }]);
  });
});
