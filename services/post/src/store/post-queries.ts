// Reads on posts. A read by id touches only the shard named by the id's shard bits; a timeline read
// touches only the author's shard; only the batch read may touch several (one query per shard involved).
import { NotFoundError } from '@scalegram/contracts/errors';
import { decodeCursor, encodeCursor, type PageOf } from '@scalegram/contracts/pagination';
import type { Post } from '@scalegram/contracts/posts';
import type { RelationalDatabase } from '@scalegram/relational/port';
import type { PostContext } from '../post-context.ts';
import { toPost } from './post-rows.ts';
import type { PostDatabase } from './schema.ts';

export async function getPost(context: PostContext, postId: string): Promise<Post> {
  const row = await context.router
    .databaseForId(postId)
    .db.selectFrom('posts')
    .selectAll()
    .where('id', '=', postId)
    .executeTakeFirst();
  if (row === undefined) throw new NotFoundError('post not found');
  return toPost(row);
}

/** The id inside a cursor this server issued; anything else is a 400, never a database error. */
export function cursorId(cursor: string): string {
  return decodeCursor(cursor, { before: 'id' }).before;
}

/**
 * Newest first, keyset-paginated on the id. New posts get larger ids, so they land before the first page
 * and never shift a page the client is walking through: the cursor is "ids below this one".
 */
export async function listAuthorPosts(
  context: PostContext,
  authorId: string,
  page: { cursor?: string | undefined; limit: number },
): Promise<PageOf<Post>> {
  const before = page.cursor === undefined ? undefined : cursorId(page.cursor);
  let query = context.router
    .databaseForUser(authorId)
    .db.selectFrom('posts')
    .selectAll()
    .where('author_id', '=', authorId)
    .orderBy('id', 'desc')
    .limit(page.limit + 1);
  if (before !== undefined) query = query.where('id', '<', before);
  const rows = await query.execute();
  const items = rows.slice(0, page.limit).map(toPost);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > page.limit && last ? encodeCursor({ before: last.id }) : null };
}

/** Groups the ids by shard: one query per shard involved, in parallel; unknown ids are left out. */
export async function getPostsBatch(context: PostContext, ids: readonly string[]): Promise<Post[]> {
  const byDatabase = new Map<RelationalDatabase<PostDatabase>, string[]>();
  for (const id of ids) {
    const database = context.router.databaseForId(id);
    byDatabase.set(database, [...(byDatabase.get(database) ?? []), id]);
  }
  const results = await Promise.all(
    [...byDatabase].map(([database, shardIds]) =>
      database.db.selectFrom('posts').selectAll().where('id', 'in', shardIds).execute(),
    ),
  );
  const found = new Map(results.flat().map((row) => [row.id, toPost(row)]));
  return ids.flatMap((id) => found.get(id) ?? []);
}
