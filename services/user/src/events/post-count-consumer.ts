// Keeps users.post_count from the post service's events: +1 on `post.created`, −1 on `post.deleted`.
// A durable JetStream consumer (at-least-once delivery) made idempotent by recording each event id in
// processed_post_events in the SAME transaction as the counter change: either both happen or neither,
// and a redelivery finds the id and changes nothing. The count is eventually consistent with the posts.
import { type Event, streamConfig } from '@scalegram/contracts/events';
import {
  POSTS_STREAM,
  type PostCreatedData,
  type PostDeletedData,
  PostEventType,
} from '@scalegram/contracts/post-events';
import type { Consumer, MessageBus } from '@scalegram/queue/port';
import type { RelationalDatabase } from '@scalegram/relational/port';
import { type Generated, type Kysely, sql } from 'kysely';
import type { UserDatabase } from '../store/schema.ts';

interface ProcessedPostEventsTable {
  event_id: string;
  processed_at: Generated<Date>;
}

/** The user schema plus this consumer's table (migrations/0002_create_processed_post_events.sql). */
export interface PostCountDatabase extends UserDatabase {
  processed_post_events: ProcessedPostEventsTable;
}

export const POST_COUNT_DURABLE = 'user-post-count';
// Far longer than any redelivery can take (ackWait × maxDeliver with back-off is minutes).
const PROCESSED_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
const SWEEP_INTERVAL_MS = 60 * 60 * 1000;

type PostCountEvent = Event<PostCreatedData | PostDeletedData>;

/** Applies one event; returns false when it had been applied before. */
export async function applyPostCountEvent(
  database: RelationalDatabase<UserDatabase>,
  event: PostCountEvent,
): Promise<boolean> {
  const delta = event.type === PostEventType.created ? 1 : event.type === PostEventType.deleted ? -1 : 0;
  if (delta === 0) return false;
  const db = database as unknown as RelationalDatabase<PostCountDatabase>;
  return db.transaction(async (trx) => {
    const fresh = await trx
      .insertInto('processed_post_events')
      .values({ event_id: event.id })
      .onConflict((conflict) => conflict.column('event_id').doNothing())
      .returning('event_id')
      .executeTakeFirst();
    if (fresh === undefined) return false;
    // An unknown author (deleted meanwhile) updates no row; the event still counts as processed.
    // greatest(…, 0): a delete seen for a post created before this consumer existed must not go negative.
    await trx
      .updateTable('users')
      .set({ post_count: sql`greatest(post_count + ${delta}, 0)` })
      .where('id', '=', event.data.authorId)
      .execute();
    return true;
  });
}

export interface PostCountConsumerOptions {
  database: RelationalDatabase<UserDatabase>;
  bus: MessageBus;
  /** POSTS in production; tests use a unique stream and subject prefix. */
  stream?: { name: string; subjectPrefix: string };
  durable?: string;
}

export interface PostCountConsumer {
  stop(): Promise<void>;
}

export async function startPostCountConsumer(options: PostCountConsumerOptions): Promise<PostCountConsumer> {
  const stream = options.stream ?? { name: POSTS_STREAM.name, subjectPrefix: '' };
  await options.bus.ensureStream(streamConfig(POSTS_STREAM, stream));
  const consumer: Consumer = await options.bus.consume<PostCreatedData | PostDeletedData>(
    {
      stream: stream.name,
      durable: options.durable ?? POST_COUNT_DURABLE,
      ackWaitMs: 30_000,
      maxDeliver: 10,
      backoffMs: [1_000, 5_000, 30_000],
    },
    // No filterSubjects: two filters need NATS 2.10, and the other post events are cheap to skip
    // (applyPostCountEvent ignores them). A thrown error (database down) naks with back-off; returning acks.
    async (delivery) => {
      await applyPostCountEvent(options.database, delivery.event);
    },
  );
  const db = options.database.db as unknown as Kysely<PostCountDatabase>;
  const sweep = setInterval(() => {
    db.deleteFrom('processed_post_events')
      .where('processed_at', '<', new Date(Date.now() - PROCESSED_RETENTION_MS))
      .execute()
      .catch(() => {
        // Best effort: the next sweep retries; nothing depends on old rows being gone.
      });
  }, SWEEP_INTERVAL_MS);
  sweep.unref();
  return {
    async stop() {
      clearInterval(sweep);
      await consumer.stop();
    },
  };
}
