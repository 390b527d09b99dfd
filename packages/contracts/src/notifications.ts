// Notification shapes shared by the notification service (which owns them) and the gateway.
// A notification may collapse several actors' actions (likes on one post, follows within a window):
// `actorIds` keeps the most recent few, `actorCount` counts them all.
import Type from 'typebox';
import { ID_PATTERN, Id } from './ids.ts';
import { PageQuery } from './pagination.ts';

export const NotificationType = Type.Union([
  Type.Literal('follow'),
  Type.Literal('like'),
  Type.Literal('comment'),
  Type.Literal('mention'),
]);
export type NotificationType = Type.Static<typeof NotificationType>;

/** How many actor ids a collapsed notification carries (most recent first). */
export const MAX_NOTIFICATION_ACTORS = 3;

export const Notification = Type.Object(
  {
    id: Id,
    type: NotificationType,
    actorIds: Type.Array(Id, { maxItems: MAX_NOTIFICATION_ACTORS, description: 'Most recent first' }),
    actorCount: Type.Integer({ minimum: 1, description: 'Distinct actors collapsed into this notification' }),
    postId: Type.Union([Id, Type.Null()]),
    commentId: Type.Union([Id, Type.Null()]),
    read: Type.Boolean(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time', description: 'Last time an actor was collapsed into it' }),
  },
  { $id: 'Notification' },
);
export type Notification = Type.Static<typeof Notification>;

export const NotificationPageQuery = PageQuery;
export type NotificationPageQuery = Type.Static<typeof NotificationPageQuery>;

export const NotificationPage = Type.Object({
  items: Type.Array(Type.Ref('Notification')),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Opaque; null on the last page' }),
  unreadCount: Type.Integer({ minimum: 0 }),
});
export interface NotificationPage {
  items: Notification[];
  nextCursor: string | null;
  unreadCount: number;
}

/** Marks every notification with an id up to and including `upTo` as read. */
export const MarkReadRequest = Type.Object({ upTo: Id }, { additionalProperties: false });
export type MarkReadRequest = Type.Static<typeof MarkReadRequest>;

export const MarkReadResponse = Type.Object({ unreadCount: Type.Integer({ minimum: 0 }) });
export type MarkReadResponse = Type.Static<typeof MarkReadResponse>;

/** Server-Sent Events: the event name of a notification frame. */
export const NOTIFICATION_SSE_EVENT = 'notification';

/** Query of `GET /api/v1/notifications/stream`: EventSource cannot send headers, so both may come here. */
export const NotificationStreamQuery = Type.Object(
  {
    access_token: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
    lastEventId: Type.Optional(
      Type.String({ pattern: ID_PATTERN, description: 'A notification seq, as in an event id' }),
    ),
  },
  { additionalProperties: false },
);
export type NotificationStreamQuery = Type.Static<typeof NotificationStreamQuery>;
