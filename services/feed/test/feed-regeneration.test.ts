// Losing Redis: after FLUSHALL (on a PRIVATE redis-server, never the shared one) every timeline and
// projection is gone; each reader's next read regenerates their timeline from the real user and post
// services, and it equals the one they saw before. Fan-out keeps working afterwards, because
// regeneration re-registers each reader in the follower projection of everyone they follow.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type PrivateRedis, startPrivateRedis } from '@scalegram/test-support/private-redis';
import { Redis } from 'ioredis';
import { keys } from '../src/store/feed-keys.ts';
import { eventually, type FeedSystem, startFeedSystem, type TestUser } from './support/feed-system.ts';

let redis: PrivateRedis;
let s: FeedSystem;

beforeAll(async () => {
  redis = await startPrivateRedis();
  s = await startFeedSystem({ redisUrl: redis.url, env: { FEED_CELEBRITY_THRESHOLD: '2' } });
});

afterAll(async () => {
  await s?.close();
  await redis?.stop();
});

async function flushAll(): Promise<void> {
  const client = new Redis(redis.url);
  await client.flushall();
  client.disconnect();
}

describe('after FLUSHALL', () => {
  it('regenerates every feed exactly as it was, celebrities included, and fan-out resumes', async () => {
    const people = await Promise.all(Array.from({ length: 6 }, () => s.register()));
    const [celebrity, a, b, c, d, e] = people as [TestUser, TestUser, TestUser, TestUser, TestUser, TestUser];
    // A small graph: three fans make `celebrity` one (threshold 2); the others follow each other.
    const follows: [TestUser, TestUser][] = [
      [a, celebrity],
      [b, celebrity],
      [c, celebrity],
      [a, b],
      [b, a],
      [c, a],
      [d, b],
      [d, c],
      [e, d],
    ];
    for (const [follower, followee] of follows) await s.follow(follower, followee);
    for (const reader of people) await s.page(reader);
    await eventually(async () => (await s.kv.zscore(keys.celebrities(), celebrity.id)) !== null);

    const posted: string[] = [];
    for (let round = 0; round < 3; round++) {
      for (const author of people) posted.push(await s.post(author, `round ${round}`));
    }
    const expected = new Map([celebrity, a, b, c, d, e].map((reader, index) => [reader.id, [3, 9, 9, 9, 9, 6][index]]));
    for (const reader of people) await eventually(async () => (await s.all(reader)).length === expected.get(reader.id));
    const before = new Map<string, string[]>();
    for (const reader of people) before.set(reader.id, await s.all(reader, 7));
    expect(new Set([...before.values()].flat())).toEqual(new Set(posted));

    await flushAll();
    expect(await s.kv.zcard(keys.timeline(a.id))).toBe(0);
    for (const reader of people) expect(await s.all(reader, 7)).toEqual(before.get(reader.id));

    // Fan-out writes again into the regenerated timelines.
    const fresh = await s.post(b, 'after the flush');
    for (const reader of [a, b, d]) await eventually(async () => (await s.all(reader)).includes(fresh));
    expect(await s.all(c)).not.toContain(fresh);
  });
});
