// What the post service announces, written to the outbox of the shard that holds the change, inside
// its transaction: the event exists if and only if the change committed (docs/adr/0006-outbox-relay.md).
// The bus subject is the event type; the envelope's subject is the post id, so per-post order holds.
import { createEvent } from '@scalegram/contracts/events';
import {
  POST_EVENT_SOURCE,
  type PostCommentedData,
  type PostCreatedData,
  type PostDeletedData,
  PostEventType,
  type PostLikeData,
  type PostUpdatedData,
} from '@scalegram/contracts/post-events';
import { enqueueEvents } from '@scalegram/relational/outbox';
import type { Transaction } from 'kysely';
import type { PostDatabase } from '../store/schema.ts';

type Trx = Transaction<PostDatabase>;

async function enqueue<D extends { postId: string }>(trx: Trx, type: PostEventType, data: D): Promise<void> {
  await enqueueEvents(trx, [createEvent({ type, source: POST_EVENT_SOURCE, subject: data.postId, data })], {
    subject: type,
  });
}

export const enqueuePostCreated = (trx: Trx, data: PostCreatedData) => enqueue(trx, PostEventType.created, data);
export const enqueuePostUpdated = (trx: Trx, data: PostUpdatedData) => enqueue(trx, PostEventType.updated, data);
export const enqueuePostDeleted = (trx: Trx, data: PostDeletedData) => enqueue(trx, PostEventType.deleted, data);
export const enqueuePostLiked = (trx: Trx, data: PostLikeData) => enqueue(trx, PostEventType.liked, data);
export const enqueuePostUnliked = (trx: Trx, data: PostLikeData) => enqueue(trx, PostEventType.unliked, data);
export const enqueuePostCommented = (trx: Trx, data: PostCommentedData) => enqueue(trx, PostEventType.commented, data);
