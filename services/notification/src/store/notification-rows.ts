// A notifications row as the API shows it (the contracts' Notification).
import type { Notification } from '@scalegram/contracts/notifications';
import type { Selectable } from 'kysely';
import type { NotificationsTable } from './schema.ts';

export type NotificationRow = Selectable<NotificationsTable>;

export const NOTIFICATION_COLUMNS = [
  'id',
  'type',
  'actor_ids',
  'actor_count',
  'post_id',
  'comment_id',
  'read',
  'seq',
  'created_at',
  'updated_at',
] as const;

export type NotificationColumns = Pick<NotificationRow, (typeof NOTIFICATION_COLUMNS)[number]>;

export function toNotification(row: NotificationColumns): Notification {
  return {
    id: String(row.id),
    type: row.type,
    actorIds: row.actor_ids.map(String),
    actorCount: Number(row.actor_count),
    postId: row.post_id === null ? null : String(row.post_id),
    commentId: row.comment_id === null ? null : String(row.comment_id),
    read: row.read,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** One change of a user's notifications: the SSE event id (`seq`) and the notification as it now is. */
export interface NotificationChange {
  recipientId: string;
  seq: string;
  notification: Notification;
}

export function toChange(recipientId: string, row: NotificationColumns): NotificationChange {
  return { recipientId, seq: String(row.seq), notification: toNotification(row) };
}
