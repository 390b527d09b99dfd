// The races the design has to win (ADR 0037), on the in-memory store (the KV contract suite
// proves it behaves like Redis): single-flight regeneration within and across replicas, a post fanned
// out while a regeneration runs, a late redelivered follow, writes only into complete timelines.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createEvent } from '@scalegram/contracts/events';
import type { RecentPostRef } from '@scalegram/contracts/feed';
import { USER_EVENT_SOURCE, UserEventType, type UserFollowData } from '@scalegram/contracts/user-events';
import { createMemoryStore } from '@scalegram/kv/memory-store';
import type { KeyValueStore } from '@scalegram/kv/port';
import { createInProcessBus } from '@scalegram/queue/in-process-bus';
import type { Delivery, MessageBus } from '@scalegram/queue/port';
import { AFTER_SENTINEL, encodeEntry, SENTINEL } from '../src/domain/timeline-entry.ts';
import type { FeedWorkerContext } from '../src/events/feed-context.ts';
import { applyFollowChange } from '../src/events/user-event-consumer.ts';
import { createTimelineRegenerator, type RegenerationDeps } from '../src/regeneration/timeline-regenerator.ts';
import { keys } from '../src/store/feed-keys.ts';
import { celebritiesFollowedBy } from '../src/store/projections.ts';
import { applyToTimelines } from '../src/store/timeline-writes.ts';

let kv: KeyValueStore;
let bus: MessageBus;

beforeEach(async () => {
  kv = await createMemoryStore({ keyPrefix: 'feed:' });
  bus = await createInProcessBus();
});

afterEach(async () => {
  await bus.close();
  await kv.close();
});

const settings = {
  timelineMax: 5,
  timelineTtlMs: 60_000,
  lockMs: 5_000,
  waitMs: 2_000,
  recentPerAuthor: 10,
  celebrityThreshold: 100,
};
const post = (postId: string, authorId: string): RecentPostRef => ({
  postId,
  authorId,
  createdAt: new Date().toISOString(),
});

function sources(options: { following: string[]; posts: () => Promise<RecentPostRef[]> }) {
  const calls = { following: 0, posts: 0 };
  const deps: Omit<RegenerationDeps, 'kv' | 'settings'> = {
    users: {
      async following() {
        calls.following++;
        return options.following;
      },
    },
    posts: {
      async recentByAuthors() {
        calls.posts++;
        return options.posts();
      },
    },
  };
  return { deps, calls };
}

const timeline = (userId: string) => kv.zrangeByLex(keys.timeline(userId), AFTER_SENTINEL, '+', { rev: true });

describe('regeneration', () => {
  it('is single-flight within a replica and across replicas, and keeps the newest timelineMax', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const posts = Array.from({ length: 8 }, (_, index) => post(String(100 + index), index % 2 ? '2' : '3'));
    const { deps, calls } = sources({
      following: ['2', '3'],
      posts: async () => {
        await gate;
        return posts;
      },
    });
    const replicaA = createTimelineRegenerator({ kv, settings, ...deps });
    const replicaB = createTimelineRegenerator({ kv, settings, ...deps });
    const reads = [
      ...Array.from({ length: 10 }, () => replicaA.ensure('1', 'Bearer t')),
      ...Array.from({ length: 10 }, () => replicaB.ensure('1', 'Bearer t')),
    ];
    await new Promise((resolve) => setTimeout(resolve, 100));
    release();
    await Promise.all(reads);
    expect(calls).toEqual({ following: 1, posts: 1 });
    expect(replicaA.count + replicaB.count).toBe(1);
    expect(await timeline('1')).toEqual(
      posts
        .map((p) => encodeEntry(p))
        .sort()
        .reverse()
        .slice(0, 5),
    );
    // The reader is registered in the follower projection of whom they follow.
    expect(await kv.zscore(keys.followers('2'), '1')).toBe(0);
    expect(await kv.zscore(keys.followers('3'), '1')).toBe(0);
    expect(await kv.ttl(keys.timeline('1'))).toBeGreaterThan(0);
  });

  it('answers 503 with Retry-After when another replica holds the lock too long', async () => {
    await kv.set(keys.regenerationLock('1'), 'someone', { ttlMs: 10_000 });
    const { deps } = sources({ following: [], posts: async () => [] });
    const regenerator = createTimelineRegenerator({ kv, settings: { ...settings, waitMs: 100 }, ...deps });
    await expect(regenerator.ensure('1', 'Bearer t')).rejects.toMatchObject({
      status: 503,
      headers: { 'retry-after': '1' },
    });
  });

  it('starts over when a post is fanned out while it runs, so the post is not lost', async () => {
    let round = 0;
    const late = post('500', '2');
    const { deps } = sources({
      following: ['2'],
      posts: async () => {
        round++;
        if (round === 1) {
          // The post commits after this read of the post service, and its fan-out runs before the
          // regeneration writes: the timeline is missing, but the lock says a regeneration is running.
          await applyToTimelines(kv, ['1'], { op: 'add', member: encodeEntry(late) }, { max: 5, lockMs: 5_000 });
          return [post('400', '2')];
        }
        return [late, post('400', '2')];
      },
    });
    const regenerator = createTimelineRegenerator({ kv, settings, ...deps });
    await regenerator.ensure('1', 'Bearer t');
    expect(regenerator.count).toBe(2);
    expect(await timeline('1')).toEqual([encodeEntry(late), encodeEntry(post('400', '2'))]);
  });
});

describe('regeneration of a reader who follows many', () => {
  it('asks the post service 200 authors at a time and keeps the newest timelineMax overall', async () => {
    const following = Array.from({ length: 450 }, (_, index) => String(1000 + index));
    const chunks: number[] = [];
    const regenerator = createTimelineRegenerator({
      kv,
      settings,
      users: { following: async () => following },
      posts: {
        async recentByAuthors(authorIds) {
          chunks.push(authorIds.length);
          return authorIds.map((authorId) => post(String(BigInt(authorId) * 10n), authorId));
        },
      },
    });
    await regenerator.ensure('1', 'Bearer t');
    expect(chunks).toEqual([200, 200, 51]); // 450 followees and the reader
    expect(await timeline('1')).toEqual(
      ['1449', '1448', '1447', '1446', '1445'].map((authorId) => encodeEntry(post(`${authorId}0`, authorId))),
    );
    // Every author's recent posts are now known (complete), the reader's own included.
    expect(await kv.zscore(keys.recent('1000'), SENTINEL)).toBe(0);
    expect(await kv.zscore(keys.recent('1'), SENTINEL)).toBe(0);
  });
});

describe('timeline writes', () => {
  it('write only complete timelines (and regenerating ones), trimmed to the cap', async () => {
    await kv.zadd(keys.timeline('complete'), [{ member: SENTINEL, score: 0 }]);
    const limits = { max: 3, lockMs: 5_000 };
    for (const id of ['1', '2', '3', '4', '5']) {
      await applyToTimelines(kv, ['complete', 'missing'], { op: 'add', member: encodeEntry(post(id, '9')) }, limits);
    }
    expect(await timeline('complete')).toEqual(['5', '4', '3'].map((id) => encodeEntry(post(id, '9'))));
    expect(await kv.zscore(keys.timeline('complete'), SENTINEL)).toBe(0);
    expect(await kv.zcard(keys.timeline('missing'))).toBe(0);
  });
});

describe('follow events', () => {
  const context = (): FeedWorkerContext => ({
    kv,
    bus,
    limits: { max: 10, lockMs: 5_000 },
    celebrityThreshold: 100,
    recentPerAuthor: 10,
    batchSize: 10,
    jobs: { name: 'FEED_FANOUT', subjectPrefix: '' },
  });
  const delivery = (type: string, seq: number): Delivery<UserFollowData> => ({
    event: createEvent({
      type,
      source: USER_EVENT_SOURCE,
      subject: '1',
      data: { followerId: '1', followeeId: '2' },
    }),
    subject: type,
    stream: 'USERS',
    durable: 'feed-users',
    deliveryCount: 1,
    streamSeq: seq,
    headers: {},
  });

  it('a late redelivery of an older follow does not undo a newer unfollow', async () => {
    await applyFollowChange(context(), delivery(UserEventType.followed, 5));
    expect(await kv.zscore(keys.followers('2'), '1')).toBe(0);
    await applyFollowChange(context(), delivery(UserEventType.unfollowed, 6));
    await applyFollowChange(context(), delivery(UserEventType.followed, 5)); // redelivered late
    expect(await kv.zscore(keys.followers('2'), '1')).toBeNull();
    expect(await kv.zscore(keys.following('1'), '2')).toBeNull();
    await applyFollowChange(context(), delivery(UserEventType.followed, 7));
    expect(await kv.zscore(keys.followers('2'), '1')).toBe(0);
  });
});

describe('celebrities followed', () => {
  it('finds them whichever set is smaller', async () => {
    await kv.zadd(keys.celebrities(), [
      { member: '50', score: 3 },
      { member: '60', score: 1 },
      { member: '70', score: 2 },
    ]);
    await kv.zadd(keys.following('1'), [{ member: '60', score: 0 }]); // fewer followees than celebrities
    await kv.zadd(
      keys.following('2'),
      ['10', '20', '50', '60', '80'].map((member) => ({ member, score: 0 })),
    );
    expect(await celebritiesFollowedBy(kv, '1')).toEqual(['60']);
    expect((await celebritiesFollowedBy(kv, '2')).sort()).toEqual(['50', '60']);
    expect(await celebritiesFollowedBy(kv, '3')).toEqual([]);
  });
});
