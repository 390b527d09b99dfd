// Tombstones are needed only while a stale event about a deleted post can still arrive. The oldest event
// anyone can receive is as old as the POSTS stream keeps them (a consumer created now replays a week of
// history); a day more covers redeliveries in flight. Older tombstones are swept, in batches, by every
// replica (deleting is idempotent, so replicas sweeping at once only repeat each other's work).
import { EVENT_RETENTION_MS } from '@scalegram/contracts/events';
import type { SearchContext } from '../search-context.ts';

export const TOMBSTONE_RETENTION_MS = EVENT_RETENTION_MS + 24 * 60 * 60 * 1000;

/** Deletes the tombstones written before `before` (epoch ms); returns how many. */
export async function pruneTombstones(context: SearchContext, before: number, batchSize = 1_000): Promise<number> {
  const { index, names } = context;
  let removed = 0;
  for (;;) {
    // Every tombstone has the same one-dimensional vector: a "search" is a filtered listing.
    const old = await index.search(names.tombstones, {
      vector: [1],
      limit: batchSize,
      filter: { must: [{ key: 'deletedAt', range: { lt: before } }] },
    });
    if (old.length > 0) {
      await index.delete(
        names.tombstones,
        old.map((point) => point.id),
      );
    }
    removed += old.length;
    if (old.length < batchSize) return removed;
  }
}
