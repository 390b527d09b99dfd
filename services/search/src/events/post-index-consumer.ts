// Keeps the search index in step with the post service's events (ADR 0026): post.created and
// post.updated embed the text and upsert the post, post.deleted tombstones and removes it. A durable
// JetStream pull consumer (at-least-once, explicit ack) shared by every replica; each handler is
// idempotent (an upsert or delete by post id) and safe against reordering (tombstones, versions), so a
// redelivery or an out-of-order delivery changes nothing it should not.
import { type Event, streamConfig } from '@scalegram/contracts/events';
import {
  POSTS_STREAM,
  type PostCreatedData,
  type PostDeletedData,
  PostEventType,
  type PostUpdatedData,
} from '@scalegram/contracts/post-events';
import type { BusLogger, Consumer, MessageBus } from '@scalegram/queue/port';
import type { SearchContext } from '../search-context.ts';
import { indexPosts, removePost } from '../store/index-writes.ts';

export const SEARCH_INDEX_DURABLE = 'search-index';

type IndexedPostEvent = Event<PostCreatedData | PostUpdatedData | PostDeletedData>;

/** Applies one event to the index; other post events (likes, comments) are ignored. */
export async function applyPostEvent(context: SearchContext, event: IndexedPostEvent): Promise<void> {
  const version = Date.parse(event.time);
  switch (event.type) {
    case PostEventType.created: {
      const data = event.data as PostCreatedData;
      const createdAtMs = Date.parse(data.createdAt);
      await indexPosts(context, [
        { postId: data.postId, authorId: data.authorId, text: data.text, createdAtMs, version },
      ]);
      return;
    }
    case PostEventType.updated: {
      const data = event.data as PostUpdatedData;
      await indexPosts(context, [
        { postId: data.postId, authorId: data.authorId, text: data.text, createdAtMs: undefined, version },
      ]);
      return;
    }
    case PostEventType.deleted:
      await removePost(context, (event.data as PostDeletedData).postId, version);
      return;
    default:
      return;
  }
}

export interface PostIndexConsumerOptions {
  context: SearchContext;
  bus: MessageBus;
  /** POSTS in production; tests use a unique stream and subject prefix. */
  stream?: { name: string; subjectPrefix: string };
  durable?: string;
  logger?: BusLogger;
}

export async function startPostIndexConsumer(options: PostIndexConsumerOptions): Promise<Consumer> {
  const stream = options.stream ?? { name: POSTS_STREAM.name, subjectPrefix: '' };
  await options.bus.ensureStream(streamConfig(POSTS_STREAM, stream));
  return options.bus.consume<PostCreatedData | PostUpdatedData | PostDeletedData>(
    {
      stream: stream.name,
      durable: options.durable ?? SEARCH_INDEX_DURABLE,
      ackWaitMs: 30_000,
      maxDeliver: 10,
      backoffMs: [1_000, 5_000, 30_000],
    },
    // Returning acks; a thrown error (index or embedder down) naks with back-off. An event the index
    // refuses as malformed (RangeError: a bad id) will never succeed: dead-letter it at once.
    async (delivery, control) => {
      try {
        await applyPostEvent(options.context, delivery.event);
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        options.logger?.warn({ err: error, eventId: delivery.event.id }, 'malformed post event; dead-lettered');
        control.term(error.message);
      }
    },
  );
}
