// Events the post service publishes (through one outbox per shard) on the POSTS stream.
// NATS subject = event type; the envelope's `subject` = the post id.
import Type from 'typebox';
import { EVENT_RETENTION_MS, EventEnvelope, type StreamDefinition } from './events.ts';
import { Id } from './ids.ts';

export const POSTS_STREAM = {
  name: 'POSTS',
  subjects: ['post.>'],
  retention: 'limits',
  maxAgeMs: EVENT_RETENTION_MS,
} as const satisfies StreamDefinition;
export const POST_EVENT_SOURCE = '/services/post';

export const PostEventType = {
  created: 'post.created',
  updated: 'post.updated',
  deleted: 'post.deleted',
  liked: 'post.liked',
  unliked: 'post.unliked',
  commented: 'post.commented',
} as const;
export type PostEventType = (typeof PostEventType)[keyof typeof PostEventType];

/** Lower-cased usernames mentioned as `@username` in the text, de-duplicated, at most 20. */
const Mentions = Type.Array(Type.String(), { maxItems: 20 });

export const PostCreatedData = Type.Object({
  postId: Id,
  authorId: Id,
  text: Type.String(),
  mediaIds: Type.Array(Id),
  mentions: Mentions,
  createdAt: Type.String({ format: 'date-time' }),
});
export const PostUpdatedData = Type.Object({ postId: Id, authorId: Id, text: Type.String(), mentions: Mentions });
export const PostDeletedData = Type.Object({ postId: Id, authorId: Id });
export const PostLikeData = Type.Object({ postId: Id, postAuthorId: Id, userId: Id });
export const PostCommentedData = Type.Object({
  postId: Id,
  postAuthorId: Id,
  commentId: Id,
  commenterId: Id,
  text: Type.String(),
  mentions: Mentions,
});

export type PostCreatedData = Type.Static<typeof PostCreatedData>;
export type PostUpdatedData = Type.Static<typeof PostUpdatedData>;
export type PostDeletedData = Type.Static<typeof PostDeletedData>;
export type PostLikeData = Type.Static<typeof PostLikeData>;
export type PostCommentedData = Type.Static<typeof PostCommentedData>;

/** Envelope schemas, one per event type: the event catalog validates against these. */
export const PostEvents = {
  [PostEventType.created]: EventEnvelope(PostCreatedData),
  [PostEventType.updated]: EventEnvelope(PostUpdatedData),
  [PostEventType.deleted]: EventEnvelope(PostDeletedData),
  [PostEventType.liked]: EventEnvelope(PostLikeData),
  [PostEventType.unliked]: EventEnvelope(PostLikeData),
  [PostEventType.commented]: EventEnvelope(PostCommentedData),
} as const;
