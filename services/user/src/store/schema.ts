// The user service's tables as Kysely sees them (migrations/0001_create_users_and_follows.sql).
// bigint columns come back as decimal strings on both adapters (see docs/building-blocks/relational.md).
import type { OutboxDatabase } from '@scalegram/relational/outbox-schema';
import type { ColumnType, Generated } from 'kysely';

type Count = ColumnType<string, string | undefined, string>;

export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  bio: Generated<string>;
  avatar_media_id: string | null;
  follower_count: Count;
  following_count: Count;
  post_count: Count;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface FollowsTable {
  follower_id: string;
  followee_id: string;
  created_at: Generated<Date>;
}

export interface UserDatabase extends OutboxDatabase {
  users: UsersTable;
  follows: FollowsTable;
}
