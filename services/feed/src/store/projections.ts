// The projections the worker keeps from USERS and POSTS events so that it never calls another service
// (ADR 0035): followers and following per user, the newest posts per author, and the celebrity set.
// Sets are sorted sets with score 0 (the port has no plain sets), paged by member with lexicographic
// bounds, which stay stable while members come and go.
import type { KeyValueBatch, KeyValueStore } from '@scalegram/kv/port';
import { AFTER_SENTINEL, SENTINEL } from '../domain/timeline-entry.ts';
import { keys } from './feed-keys.ts';

type AnyBatch = KeyValueBatch<unknown[]>;

/** Calls `visit` with the followers of `authorId`, `pageSize` at a time, in member order. */
export async function forEachFollowerPage(
  kv: KeyValueStore,
  authorId: string,
  pageSize: number,
  visit: (page: string[]) => Promise<void>,
): Promise<void> {
  let min: '-' | `(${string}` = '-';
  for (;;) {
    const page = await kv.zrangeByLex(keys.followers(authorId), min, '+', { count: pageSize });
    if (page.length === 0) return;
    await visit(page);
    if (page.length < pageSize) return;
    min = `(${page.at(-1) as string}`;
  }
}

/** Every member, by rank (valid whatever the scores). */
export async function allMembers(kv: KeyValueStore, key: string): Promise<string[]> {
  return (await kv.zrange(key, 0, -1)).map((entry) => entry.member);
}

export function followerCount(kv: KeyValueStore, authorId: string): Promise<number> {
  return kv.zcard(keys.followers(authorId));
}

export async function markCelebrity(kv: KeyValueStore, authorId: string): Promise<void> {
  if ((await kv.zscore(keys.celebrities(), authorId)) === null) {
    await kv.zadd(keys.celebrities(), [{ member: authorId, score: Date.now() }]);
  }
}

/** The celebrities a reader follows: whichever of the two sets is smaller is walked, the other probed. */
export async function celebritiesFollowedBy(kv: KeyValueStore, userId: string): Promise<string[]> {
  const [celebrityCount, followingCount] = await kv
    .batch()
    .zcard(keys.celebrities())
    .zcard(keys.following(userId))
    .exec();
  if (celebrityCount === 0 || followingCount === 0) return [];
  const [walk, probe] =
    celebrityCount <= followingCount
      ? [keys.celebrities(), keys.following(userId)]
      : [keys.following(userId), keys.celebrities()];
  const candidates = await allMembers(kv, walk);
  let batch = kv.batch() as unknown as AnyBatch;
  for (const candidate of candidates) batch = batch.zscore(probe, candidate);
  const scores = await batch.exec();
  return candidates.filter((_, index) => scores[index] !== null);
}

/** Adds a post to its author's recent posts, keeping the newest `max` (and the sentinel, if any). */
export function addRecent(batch: AnyBatch, authorId: string, member: string, max: number): AnyBatch {
  const key = keys.recent(authorId);
  return batch.zadd(key, [{ member, score: 0 }]).zremRangeByRank(key, 1, -(max + 1));
}

/** The author's newest posts, newest first, older than `before` when given; undefined when not known. */
export async function recentEntries(
  kv: KeyValueStore,
  authorId: string,
  options: { before?: `(${string}`; count?: number } = {},
): Promise<string[] | undefined> {
  const key = keys.recent(authorId);
  const [complete, members] = await kv
    .batch()
    .zscore(key, SENTINEL)
    .zrangeByLex(key, AFTER_SENTINEL, options.before ?? '+', {
      rev: true,
      ...(options.count === undefined ? {} : { count: options.count }),
    })
    .exec();
  return complete === null ? undefined : members;
}
