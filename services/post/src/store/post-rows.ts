// Row → API shape. Counts are bigint (strings) in the database and integers in JSON; they stay far
// below 2^53 for any realistic post.
import type { Comment, Post } from '@scalegram/contracts/posts';
import type { Selectable } from 'kysely';
import type { CommentsTable, PostsTable } from './schema.ts';

export function toPost(row: Selectable<PostsTable>): Post {
  return {
    id: row.id,
    authorId: row.author_id,
    text: row.text,
    mediaIds: row.media_ids,
    likeCount: Number(row.like_count),
    commentCount: Number(row.comment_count),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function toComment(row: Selectable<CommentsTable>): Comment {
  return {
    id: row.id,
    postId: row.post_id,
    authorId: row.author_id,
    text: row.text,
    createdAt: row.created_at.toISOString(),
  };
}
