// Keeps the search index in step with the post service's events (ADR 0026): post.created and
// post.updated embed the text and upsert the post, post.deleted tombstones and removes it. A durable
// JetStream pull consumer (at-least-once, explicit ack) shared by every replica; each handler is
// idempotent (an upsert or delete by post id) and safe against reordering (tombstones, versions), so a
// redelivery or an out-of-order delivery changes nothing it should not.
import { type Event, streamConfig } from '@scalegram/contracts/events';
import {
  POSTS_STREAM,
  PostCreatedData,
  PostDeletedData,
  PostEventType,
  PostUpdatedData,
} from '@scalegram/contracts/post-events';
import type { BusLogger, Consumer, MessageBus } from '@scalegram/queue/port';
import { Counter, type Registry } from 'prom-client';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import type { SearchContext } from '../search-context.ts';
import { indexPosts, removePost } from '../store/index-writes.ts';

export const SEARCH_INDEX_DURABLE = 'search-index';

type IndexedPostEvent = Event<PostCreatedData | PostUpdatedData | PostDeletedData>;

const DATA_SCHEMAS: Record<string, TSchema> = {
  [PostEventType.created]: PostCreatedData,
  [PostEventType.updated]: PostUpdatedData,
  [PostEventType.deleted]: PostDeletedData,
};

/** An event that does not match its contract: no redelivery will fix it (a poison message). */
export class MalformedEventError extends Error {
  override name = 'MalformedEventError';
}

/** Applies one event to the index; false for the post events it does not index (likes, comments). */
export async function applyPostEvent(context: SearchContext, event: IndexedPostEvent): Promise<boolean> {
  const schema = DATA_SCHEMAS[event.type];
  if (schema === undefined) return false;
  const version = Date.parse(event.time);
  if (!Value.Check(schema, event.data) || Number.isNaN(version)) {
    throw new MalformedEventError(`${event.type} ${event.id} does not match the post event contract`);
  }
  if (event.type === PostEventType.deleted) {
    await removePost(context, event.data.postId, version);
    return true;
  }
  const data = event.data as PostCreatedData | PostUpdatedData;
  // post.updated carries no creation time: the stored one is kept (or read from the id).
  const createdAtMs = 'createdAt' in data ? Date.parse(data.createdAt) : undefined;
  await indexPosts(context, [{ postId: data.postId, authorId: data.authorId, text: data.text, createdAtMs, version }]);
  return true;
}

export interface PostIndexConsumerOptions {
  context: SearchContext;
  bus: MessageBus;
  /** POSTS in production; tests use a unique stream and subject prefix. */
  stream?: { name: string; subjectPrefix: string };
  durable?: string;
  logger?: BusLogger;
  /** Where `search_post_events_total{type, outcome}` is registered (the app's registry). */
  metrics?: Registry;
}

export async function startPostIndexConsumer(options: PostIndexConsumerOptions): Promise<Consumer> {
  const stream = options.stream ?? { name: POSTS_STREAM.name, subjectPrefix: '' };
  await options.bus.ensureStream(streamConfig(POSTS_STREAM, stream));
  const handled =
    options.metrics === undefined
      ? undefined
      : new Counter({
          name: 'search_post_events_total',
          help: 'Post events handled by the search index consumer, by type and outcome',
          labelNames: ['type', 'outcome'],
          registers: [options.metrics],
        });
  return options.bus.consume<PostCreatedData | PostUpdatedData | PostDeletedData>(
    {
      stream: stream.name,
      durable: options.durable ?? SEARCH_INDEX_DURABLE,
      ackWaitMs: 30_000,
      maxDeliver: 10,
      backoffMs: [1_000, 5_000, 30_000],
    },
    // Returning acks; a thrown error (index or embedder down) naks with back-off. An event that breaks
    // the contract, or that the index refuses (RangeError, e.g. an id beyond 64 bits), will never
    // succeed: dead-letter it at once.
    async (delivery, control) => {
      const { type } = delivery.event;
      try {
        const applied = await applyPostEvent(options.context, delivery.event);
        handled?.inc({ type, outcome: applied ? 'applied' : 'ignored' });
      } catch (error) {
        if (!(error instanceof MalformedEventError || error instanceof RangeError)) {
          handled?.inc({ type, outcome: 'failed' });
          throw error;
        }
        handled?.inc({ type, outcome: 'malformed' });
        options.logger?.warn({ err: error, eventId: delivery.event.id }, 'malformed post event; dead-lettered');
        control.term(error.message);
      }
    },
  );
}
