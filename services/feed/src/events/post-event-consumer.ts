// The feed's durable consumer of POSTS: `post.created` fans the post out, `post.deleted` takes it out
// of every timeline; other post events are acknowledged and ignored. Every step is a set operation on
// deterministic members, so a redelivered event changes nothing (ADR 0037).
import type { Event } from '@scalegram/contracts/events';
import { streamConfig } from '@scalegram/contracts/events';
import {
  POSTS_STREAM,
  type PostCreatedData,
  type PostDeletedData,
  PostEventType,
} from '@scalegram/contracts/post-events';
import type { KeyValueBatch } from '@scalegram/kv/port';
import type { Consumer } from '@scalegram/queue/port';
import { isCelebrity } from '../domain/fan-out-policy.ts';
import { encodeEntry } from '../domain/timeline-entry.ts';
import { keys } from '../store/feed-keys.ts';
import { addRecent, followerCount, forEachFollowerPage, markCelebrity } from '../store/projections.ts';
import type { EntryChange } from '../store/timeline-writes.ts';
import { publishFanOutJob, runFanOutBatch } from './fan-out-jobs.ts';
import type { FeedWorkerContext, StreamPlacement } from './feed-context.ts';

const TOMBSTONE_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * The author's own timeline, then every follower's, `batchSize` at a time: the first batch here, the
 * others as jobs any worker replica may take.
 */
async function fanOut(
  context: FeedWorkerContext,
  eventId: string,
  postId: string,
  authorId: string,
  change: EntryChange,
) {
  await runFanOutBatch(context, { postId, change, targets: [authorId] });
  let index = 0;
  await forEachFollowerPage(context.kv, authorId, context.batchSize, async (targets) => {
    if (index === 0) await runFanOutBatch(context, { postId, change, targets });
    else await publishFanOutJob(context, { postId, change, targets }, `${eventId}:${change.op}:${index}`);
    index++;
  });
}

export async function applyPostCreated(context: FeedWorkerContext, event: Event<PostCreatedData>): Promise<void> {
  const { postId, authorId } = event.data;
  const { kv } = context;
  if ((await kv.get(keys.deleted(postId))) !== null) return;
  const member = encodeEntry({ postId, authorId });
  await addRecent(kv.batch() as unknown as KeyValueBatch<unknown[]>, authorId, member, context.recentPerAuthor).exec();

  const celebrity =
    isCelebrity(await followerCount(kv, authorId), context.celebrityThreshold) ||
    (await kv.zscore(keys.celebrities(), authorId)) !== null;
  if (celebrity) {
    // Readers merge it from the author's recent posts; only the author's own timeline gets it.
    await markCelebrity(kv, authorId);
    await runFanOutBatch(context, { postId, change: { op: 'add', member }, targets: [authorId] });
    return;
  }
  await fanOut(context, event.id, postId, authorId, { op: 'add', member });
}

export async function applyPostDeleted(context: FeedWorkerContext, event: Event<PostDeletedData>): Promise<void> {
  const { postId, authorId } = event.data;
  const member = encodeEntry({ postId, authorId });
  await context.kv
    .batch()
    .set(keys.deleted(postId), '1', { ttlMs: TOMBSTONE_TTL_MS })
    .zrem(keys.recent(authorId), member)
    .exec();
  // Every follower, celebrity or not: the post may have been fanned out before its author crossed over.
  await fanOut(context, event.id, postId, authorId, { op: 'remove', member });
}

export async function startPostEventConsumer(
  context: FeedWorkerContext,
  options: { stream: StreamPlacement; durable: string; concurrency: number },
): Promise<Consumer> {
  await context.bus.ensureStream(streamConfig(POSTS_STREAM, options.stream));
  return context.bus.consume<PostCreatedData | PostDeletedData>(
    {
      stream: options.stream.name,
      durable: options.durable,
      ackWaitMs: 30_000,
      maxDeliver: 10,
      backoffMs: [500, 2_000, 10_000],
      concurrency: options.concurrency,
    },
    // No filterSubjects: one consumer sees created and deleted in stream order (and NATS 2.9 takes one
    // filter per consumer); likes and comments are acknowledged unread.
    async (delivery) => {
      if (delivery.event.type === PostEventType.created) {
        await applyPostCreated(context, delivery.event as Event<PostCreatedData>);
      } else if (delivery.event.type === PostEventType.deleted) {
        await applyPostDeleted(context, delivery.event as Event<PostDeletedData>);
      }
    },
  );
}
