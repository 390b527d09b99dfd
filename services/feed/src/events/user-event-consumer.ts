// The feed's durable consumer of USERS: `user.followed` / `user.unfollowed` keep the follower projection
// and the reader's timeline in step (backfill the followee's recent posts; remove them). Other user
// events are acknowledged and ignored. A late redelivery cannot undo a newer change of the same edge: the
// stream sequence last applied per edge is kept, and older ones are skipped (ADR 0037).
import type { Event } from '@scalegram/contracts/events';
import { streamConfig } from '@scalegram/contracts/events';
import { USERS_STREAM, UserEventType, type UserFollowData } from '@scalegram/contracts/user-events';
import type { Consumer, Delivery } from '@scalegram/queue/port';
import { isCelebrity } from '../domain/fan-out-policy.ts';
import { AFTER_SENTINEL, isEntryOf, SENTINEL } from '../domain/timeline-entry.ts';
import { keys } from '../store/feed-keys.ts';
import { followerCount, markCelebrity, recentEntries } from '../store/projections.ts';
import type { FeedWorkerContext, StreamPlacement } from './feed-context.ts';

export async function applyFollowChange(context: FeedWorkerContext, delivery: Delivery<UserFollowData>): Promise<void> {
  const { kv } = context;
  const event = delivery.event as Event<UserFollowData>;
  const { followerId, followeeId } = event.data;
  const followed = event.type === UserEventType.followed;
  const last = await kv.hget(keys.edges(followerId), followeeId);
  if (last !== null && Number(last) >= delivery.streamSeq) return;

  const member = [{ member: followerId, score: 0 }];
  const followee = [{ member: followeeId, score: 0 }];
  const edge = kv.batch();
  const changed = followed
    ? edge.zadd(keys.followers(followeeId), member).zadd(keys.following(followerId), followee)
    : edge.zrem(keys.followers(followeeId), followerId).zrem(keys.following(followerId), followeeId);
  // The epoch bump tells a regeneration of the follower's timeline running right now to start over.
  await changed
    .hset(keys.edges(followerId), { [followeeId]: String(delivery.streamSeq) })
    .incrBy(keys.epoch(followerId), 1)
    .exec();

  if (followed && isCelebrity(await followerCount(kv, followeeId), context.celebrityThreshold)) {
    await markCelebrity(kv, followeeId);
  }

  const timeline = keys.timeline(followerId);
  if ((await kv.zscore(timeline, SENTINEL)) === null) return; // missing: regenerated on the next read
  if (followed) {
    if ((await kv.zscore(keys.celebrities(), followeeId)) !== null) return; // merged at read time
    const recent = await recentEntries(kv, followeeId);
    if (recent === undefined) {
      // The feed does not know the followee's recent posts: drop the timeline; the next read regenerates
      // it from the post service rather than serving one without them.
      await kv.del(timeline);
      return;
    }
    if (recent.length === 0) return;
    await kv
      .batch()
      .zadd(
        timeline,
        recent.map((entry) => ({ member: entry, score: 0 })),
      )
      .zremRangeByRank(timeline, 1, -(context.limits.max + 1))
      .exec();
  } else {
    const entries = (await kv.zrangeByLex(timeline, AFTER_SENTINEL, '+')).filter((entry) =>
      isEntryOf(entry, followeeId),
    );
    if (entries.length > 0) await kv.zrem(timeline, ...entries);
  }
}

export async function startUserEventConsumer(
  context: FeedWorkerContext,
  options: { stream: StreamPlacement; durable: string; concurrency: number },
): Promise<Consumer> {
  await context.bus.ensureStream(streamConfig(USERS_STREAM, options.stream));
  return context.bus.consume<UserFollowData>(
    {
      stream: options.stream.name,
      durable: options.durable,
      ackWaitMs: 30_000,
      maxDeliver: 10,
      backoffMs: [500, 2_000, 10_000],
      concurrency: options.concurrency,
    },
    async (delivery) => {
      const type = delivery.event.type;
      if (type === UserEventType.followed || type === UserEventType.unfollowed) {
        await applyFollowChange(context, delivery);
      }
    },
  );
}
