// One page of a reader's home feed: their stored timeline merged with the recent posts of the
// celebrities they follow (ADR 0036), newest first, strictly older than the cursor (ADR 0034).
import type { FeedItem, FeedPage } from '@scalegram/contracts/feed';
import type { KeyValueStore } from '@scalegram/kv/port';
import { encodeFeedCursor } from '../domain/feed-cursor.ts';
import { mergeNewestFirst } from '../domain/merge-entries.ts';
import { AFTER_SENTINEL, decodeEntry, olderThan } from '../domain/timeline-entry.ts';
import { keys } from './feed-keys.ts';
import { celebritiesFollowedBy, recentEntries } from './projections.ts';

export interface PageRequest {
  /** Post id of the last item already seen. */
  before?: string | undefined;
  limit: number;
  /** Fills the recent posts of celebrities the feed does not know yet (from the post service). */
  fillRecent: (authorIds: readonly string[]) => Promise<void>;
}

export async function readFeedPage(kv: KeyValueStore, userId: string, request: PageRequest): Promise<FeedPage> {
  const max = request.before === undefined ? '+' : olderThan(request.before);
  const count = request.limit + 1;
  const celebrities = await celebritiesFollowedBy(kv, userId);
  const readCelebrities = () =>
    Promise.all(celebrities.map((id) => recentEntries(kv, id, { count, ...(max === '+' ? {} : { before: max }) })));
  const [own, firstMerged] = await Promise.all([
    kv.zrangeByLex(keys.timeline(userId), AFTER_SENTINEL, max, { rev: true, count }),
    readCelebrities(),
  ]);
  let merged = firstMerged;
  const unknown = celebrities.filter((_, index) => merged[index] === undefined);
  if (unknown.length > 0) {
    await request.fillRecent(unknown);
    merged = await readCelebrities();
  }
  const members = mergeNewestFirst([own, ...merged.map((list) => list ?? [])], count);
  const items = members
    .slice(0, request.limit)
    .map(decodeEntry)
    .filter((item): item is FeedItem => item !== undefined);
  const last = items.at(-1);
  return { items, nextCursor: members.length > request.limit && last ? encodeFeedCursor(last.postId) : null };
}
