// The post service's tables as Kysely sees them (migrations/0001_create_posts.sql). bigint columns come
// back as decimal strings on both adapters (docs/building-blocks/relational.md).
import type { OutboxDatabase } from '@scalegram/relational/outbox-schema';
import type { ColumnType, Generated } from 'kysely';

type Count = ColumnType<string, string | undefined, string>;
type Json<T> = ColumnType<T, string, string>;

export interface PostsTable {
  id: string;
  author_id: string;
  text: string;
  media_ids: Json<string[]>;
  like_count: Count;
  comment_count: Count;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface LikesTable {
  post_id: string;
  user_id: string;
  created_at: Generated<Date>;
}

export interface CommentsTable {
  id: string;
  post_id: string;
  author_id: string;
  text: string;
  created_at: Generated<Date>;
}

export interface IdempotencyKeysTable {
  user_id: string;
  key: string;
  fingerprint: string;
  state: 'in_flight' | 'completed';
  status: number | null;
  location: string | null;
  body: Json<unknown> | null;
  started_at: Generated<Date>;
  expires_at: Date;
}

export interface PostDatabase extends OutboxDatabase {
  posts: PostsTable;
  likes: LikesTable;
  comments: CommentsTable;
  idempotency_keys: IdempotencyKeysTable;
}
