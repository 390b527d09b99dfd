// Writes one entry change (a post added or removed) into many home timelines, in two round trips per
// batch (ADR 0037):
//   1. a pipeline reading, for every target, whether its timeline is complete (the sentinel), whether a
//      regeneration holds its lock, and its remaining time to live;
//   2. one transaction applying the change where it belongs:
//      - complete timeline: add (and trim to the cap) or remove; its TTL is left as it was;
//      - being regenerated: the same, plus a bump of the reader's epoch, so the regeneration (which may
//        have read the authoritative services before this post existed) notices and starts over;
//      - missing: nothing. The next read regenerates it from the authoritative services, which already
//        know about this post; writing to it would create an incomplete timeline.
import type { KeyValueBatch, KeyValueStore } from '@scalegram/kv/port';
import { SENTINEL } from '../domain/timeline-entry.ts';
import { keys } from './feed-keys.ts';

export interface TimelineLimits {
  /** Entries kept per timeline. */
  max: number;
  /** TTL given to a timeline written while its regeneration runs (the regeneration sets the real one). */
  lockMs: number;
}

export type EntryChange = { op: 'add'; member: string } | { op: 'remove'; member: string };

export interface WriteResult {
  written: number;
  skipped: number;
}

type AnyBatch = KeyValueBatch<unknown[]>;

export async function applyToTimelines(
  kv: KeyValueStore,
  targets: readonly string[],
  change: EntryChange,
  limits: TimelineLimits,
): Promise<WriteResult> {
  if (targets.length === 0) return { written: 0, skipped: 0 };
  let check = kv.batch() as unknown as AnyBatch;
  for (const target of targets) {
    check = check.zscore(keys.timeline(target), SENTINEL).get(keys.regenerationLock(target)).ttl(keys.timeline(target));
  }
  const state = await check.exec();

  let write = kv.batch() as unknown as AnyBatch;
  let written = 0;
  targets.forEach((target, index) => {
    const complete = state[index * 3] !== null;
    const regenerating = state[index * 3 + 1] !== null;
    const ttl = state[index * 3 + 2] as number;
    if (!complete && !regenerating) return;
    const key = keys.timeline(target);
    written++;
    if (change.op === 'add') {
      // Rank 0 is the sentinel; ranks 1 … -(max+1) are the oldest entries beyond the cap.
      write = write.zadd(key, [{ member: change.member, score: 0 }]).zremRangeByRank(key, 1, -(limits.max + 1));
    } else {
      write = write.zrem(key, change.member);
    }
    if (regenerating) {
      write = write.incrBy(keys.epoch(target), 1);
      if (change.op === 'add') write = write.expire(key, limits.lockMs);
    } else if (change.op === 'add' && ttl > 0) {
      // Normally a no-op; if the timeline expired since step 1, the lone entry written now expires too.
      write = write.expire(key, ttl);
    }
  });
  if (written > 0) await write.exec();
  return { written, skipped: targets.length - written };
}
