// Rebuilds a missing home timeline (new reader, expired, evicted, Redis flushed) from the authoritative
// services, on the read path with the reader's token, single-flight (ADR 0037):
//   - in this replica, concurrent reads of one timeline share one promise;
//   - across replicas, a Redis lock (SET NX PX) elects one regenerator; the others poll for the sentinel
//     and answer 503 + Retry-After if it does not appear within FEED_REGENERATION_WAIT_MS.
// A regeneration re-registers the reader in the follower projection of everyone they follow (and out
// of it for whom they no longer follow), which is what keeps "an existing timeline is complete" true:
// fan-out only writes to timelines that exist, and only regeneration creates them.
// The reader's epoch is read before and after: any event that touched this timeline meanwhile bumps it,
// and the regeneration then drops what it wrote and starts over.
import { randomUUID } from 'node:crypto';
import type { RecentPostRef } from '@scalegram/contracts/feed';
import { HttpProblem } from '@scalegram/kit/http-problem';
import type { KeyValueBatch, KeyValueStore } from '@scalegram/kv/port';
import type { RecentPostsSource } from '../clients/post-client.ts';
import type { FollowingSource } from '../clients/user-client.ts';
import { batches, isCelebrity } from '../domain/fan-out-policy.ts';
import { encodeEntry, SENTINEL } from '../domain/timeline-entry.ts';
import { keys } from '../store/feed-keys.ts';
import { allMembers, markCelebrity } from '../store/projections.ts';

type AnyBatch = KeyValueBatch<unknown[]>;

const ATTEMPTS = 3;
const POLL_MS = 50;
const COMMANDS_PER_BATCH = 1000;
/** Authors per call to the post service: at 100 posts each, about 1.5 MB of JSON per answer. */
const AUTHORS_PER_CALL = 200;

export interface RegenerationSettings {
  timelineMax: number;
  timelineTtlMs: number;
  lockMs: number;
  waitMs: number;
  recentPerAuthor: number;
  celebrityThreshold: number;
}

export interface RegenerationDeps {
  kv: KeyValueStore;
  users: FollowingSource;
  posts: RecentPostsSource;
  settings: RegenerationSettings;
}

export interface TimelineRegenerator {
  /** Resolves once the reader's timeline is complete (regenerating it if needed); refreshes its TTL. */
  ensure(userId: string, authorization: string): Promise<void>;
  /** Fills the recent-posts projection of authors the feed does not know (celebrities merged on read). */
  fillRecent(authorIds: readonly string[], authorization: string): Promise<void>;
  /** Regenerations performed by this replica (tests, metrics). */
  readonly count: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createTimelineRegenerator(deps: RegenerationDeps): TimelineRegenerator {
  const { kv, settings } = deps;
  const inFlight = new Map<string, Promise<void>>();
  let count = 0;

  async function touch(userId: string): Promise<boolean> {
    const [sentinel] = await kv
      .batch()
      .zscore(keys.timeline(userId), SENTINEL)
      .expire(keys.timeline(userId), settings.timelineTtlMs)
      .exec();
    return sentinel !== null;
  }

  async function exec(commands: ((batch: AnyBatch) => AnyBatch)[]): Promise<unknown[]> {
    const results: unknown[] = [];
    for (const chunk of batches(commands, COMMANDS_PER_BATCH)) {
      let batch = kv.batch() as unknown as AnyBatch;
      for (const command of chunk) batch = command(batch);
      results.push(...(await batch.exec()));
    }
    return results;
  }

  /** Makes the projections say exactly what the user service said the reader follows. */
  async function resyncFollowing(userId: string, following: readonly string[]): Promise<void> {
    const now = new Set(following);
    const before = await allMembers(kv, keys.following(userId));
    const me = [{ member: userId, score: 0 }];
    await exec([
      ...before.filter((id) => !now.has(id)).map((id) => (b: AnyBatch) => b.zrem(keys.followers(id), userId)),
      ...following.map((id) => (b: AnyBatch) => b.zadd(keys.followers(id), me)),
    ]);
    const list = following.map((id) => ({ member: id, score: 0 }));
    await exec([
      (b) => b.del(keys.following(userId)),
      ...batches(list, COMMANDS_PER_BATCH).map((chunk) => (b: AnyBatch) => b.zadd(keys.following(userId), chunk)),
    ]);
    const counts = await exec(following.map((id) => (b: AnyBatch) => b.zcard(keys.followers(id))));
    for (const [index, id] of following.entries()) {
      if (isCelebrity(counts[index] as number, settings.celebrityThreshold)) await markCelebrity(kv, id);
    }
  }

  /** Stores each author's newest posts as their complete recent-posts projection. */
  async function storeRecent(authorIds: readonly string[], posts: readonly RecentPostRef[]): Promise<void> {
    const byAuthor = new Map<string, string[]>(authorIds.map((id) => [id, []]));
    for (const post of posts) byAuthor.get(post.authorId)?.push(encodeEntry(post));
    await exec(
      [...byAuthor].map(([authorId, entries]) => (b: AnyBatch) => {
        const key = keys.recent(authorId);
        const members = [SENTINEL, ...entries].map((member) => ({ member, score: 0 }));
        return b.zadd(key, members).zremRangeByRank(key, 1, -(settings.recentPerAuthor + 1));
      }),
    );
  }

  /**
   * Fetches the authors' newest posts AUTHORS_PER_CALL authors at a time (a reader may follow thousands:
   * one call for all would be a response of hundreds of thousands of ids), stores each chunk as complete
   * recent-posts projections, and keeps only the newest `keep` entries across all chunks.
   */
  async function fetchRecent(authorIds: readonly string[], authorization: string, keep: number): Promise<string[]> {
    let newest: string[] = [];
    for (const chunk of batches(authorIds, AUTHORS_PER_CALL)) {
      const posts = await deps.posts.recentByAuthors(chunk, settings.recentPerAuthor, authorization);
      await storeRecent(chunk, posts);
      newest = [...newest, ...posts.map((post) => encodeEntry(post))].sort().reverse().slice(0, keep);
    }
    return newest;
  }

  async function regenerate(userId: string, authorization: string): Promise<void> {
    const timeline = keys.timeline(userId);
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const epochBefore = await kv.get(keys.epoch(userId));
      const following = await deps.users.following(userId, authorization);
      await resyncFollowing(userId, following);
      const entries = await fetchRecent([...new Set([...following, userId])], authorization, settings.timelineMax);
      await kv
        .batch()
        .del(timeline)
        .zadd(
          timeline,
          [SENTINEL, ...entries].map((member) => ({ member, score: 0 })),
        )
        .expire(timeline, settings.timelineTtlMs)
        .exec();
      count++;
      if ((await kv.get(keys.epoch(userId))) === epochBefore) return;
      await kv.del(timeline); // something changed underneath: what was written may be stale
    }
    throw busy();
  }

  async function ensureOnce(userId: string, authorization: string): Promise<void> {
    const deadline = Date.now() + settings.waitMs;
    const lock = keys.regenerationLock(userId);
    for (;;) {
      if (await touch(userId)) return;
      const token = randomUUID();
      if (await kv.set(lock, token, { onlyIfAbsent: true, ttlMs: settings.lockMs })) {
        try {
          await regenerate(userId, authorization);
        } finally {
          if ((await kv.get(lock)) === token) await kv.del(lock);
        }
        return;
      }
      if (Date.now() >= deadline) throw busy();
      await sleep(POLL_MS);
    }
  }

  return {
    ensure(userId, authorization) {
      const running = inFlight.get(userId);
      if (running !== undefined) return running;
      const promise = ensureOnce(userId, authorization).finally(() => inFlight.delete(userId));
      inFlight.set(userId, promise);
      return promise;
    },
    async fillRecent(authorIds, authorization) {
      if (authorIds.length > 0) await fetchRecent(authorIds, authorization, 0);
    },
    get count() {
      return count;
    },
  };
}

function busy(): HttpProblem {
  return new HttpProblem(503, 'feed-regenerating', 'The timeline is being rebuilt', {
    detail: 'Try again in a moment.',
    headers: { 'retry-after': '1' },
  });
}
