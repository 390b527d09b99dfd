// The notification service's tables as Kysely sees them (migrations/0001_create_notifications.sql).
// bigint columns come back as decimal strings on both adapters (see docs/building-blocks/relational.md);
// jsonb columns come back parsed and are written as JSON text.
import type { ColumnType, Generated } from 'kysely';

type Json<T> = ColumnType<T, string, string>;
type BigintText = ColumnType<string, string | number, string | number>;

export interface NotificationInboxesTable {
  user_id: string;
  last_seq: Generated<BigintText>;
}

export interface NotificationsTable {
  id: Generated<string>;
  user_id: string;
  type: 'follow' | 'like' | 'comment' | 'mention';
  post_id: string | null;
  comment_id: string | null;
  actor_ids: Json<string[]>;
  actor_count: number;
  read: Generated<boolean>;
  seq: BigintText;
  collapse_key: string | null;
  dedupe_key: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface NotificationActorsTable {
  notification_id: string;
  actor_id: string;
  acted_at: Generated<Date>;
}

export interface ProcessedEventsTable {
  event_id: string;
  recipient_ids: Json<string[]>;
  processed_at: Generated<Date>;
}

export interface KnownUsersTable {
  user_id: string;
  username: string;
}

export interface NotificationDatabase {
  notification_inboxes: NotificationInboxesTable;
  notifications: NotificationsTable;
  notification_actors: NotificationActorsTable;
  processed_events: ProcessedEventsTable;
  known_users: KnownUsersTable;
}
