// Comments live on their post's shard; their ids come from the post's logical shard, so a comment id
// alone would route too. comment_count is kept exact under the post's row lock, like like_count.
import { NotFoundError } from '@scalegram/contracts/errors';
import { encodeCursor, type PageOf } from '@scalegram/contracts/pagination';
import type { Comment } from '@scalegram/contracts/posts';
import { HttpProblem } from '@scalegram/kit/http-problem';
import { decodeId } from '@scalegram/relational/id-generator';
import { sql } from 'kysely';
import { parseMentions } from '../domain/mentions.ts';
import { enqueuePostCommented } from '../events/post-event-outbox.ts';
import type { PostContext } from '../post-context.ts';
import { cursorId } from './post-queries.ts';
import { toComment } from './post-rows.ts';
import { retryOnIdCollision } from './retry-on-id-collision.ts';

export async function addComment(context: PostContext, postId: string, userId: string, text: string) {
  const logicalShard = decodeId(postId).logicalShard;
  const database = context.router.databaseForLogical(logicalShard);
  return retryOnIdCollision('comments_pkey', async () => {
    const id = await context.ids.nextString(logicalShard);
    return database.transaction(async (trx) => {
      const post = await trx
        .updateTable('posts')
        .set({ comment_count: sql`comment_count + 1` })
        .where('id', '=', postId)
        .returning('author_id')
        .executeTakeFirst();
      if (post === undefined) throw new NotFoundError('post not found');
      const row = await trx
        .insertInto('comments')
        .values({ id, post_id: postId, author_id: userId, text })
        .returningAll()
        .executeTakeFirstOrThrow();
      await enqueuePostCommented(trx, {
        postId,
        postAuthorId: post.author_id,
        commentId: id,
        commenterId: userId,
        text,
        mentions: parseMentions(text),
      });
      return toComment(row);
    });
  });
}

/** Newest first, keyset-paginated on the comment id (index comments_post_page). */
export async function listComments(
  context: PostContext,
  postId: string,
  page: { cursor?: string | undefined; limit: number },
): Promise<PageOf<Comment>> {
  const database = context.router.databaseForId(postId);
  const before = page.cursor === undefined ? undefined : cursorId(page.cursor);
  const post = await database.db.selectFrom('posts').select('id').where('id', '=', postId).executeTakeFirst();
  if (post === undefined) throw new NotFoundError('post not found');
  let query = database.db
    .selectFrom('comments')
    .selectAll()
    .where('post_id', '=', postId)
    .orderBy('id', 'desc')
    .limit(page.limit + 1);
  if (before !== undefined) query = query.where('id', '<', before);
  const rows = await query.execute();
  const items = rows.slice(0, page.limit).map(toComment);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > page.limit && last ? encodeCursor({ before: last.id }) : null };
}

/** Only the comment's author may delete it. */
export async function deleteComment(context: PostContext, postId: string, commentId: string, userId: string) {
  await context.router.databaseForId(postId).transaction(async (trx) => {
    // Lock the post first (the same order as addComment), so two deletes of one comment cannot both
    // decrement the count.
    const post = await trx.selectFrom('posts').select('id').where('id', '=', postId).forUpdate().executeTakeFirst();
    if (post === undefined) throw new NotFoundError('post not found');
    const comment = await trx
      .selectFrom('comments')
      .select('author_id')
      .where('id', '=', commentId)
      .where('post_id', '=', postId)
      .executeTakeFirst();
    if (comment === undefined) throw new NotFoundError('comment not found');
    if (comment.author_id !== userId) {
      throw new HttpProblem(403, 'forbidden', 'Only the author of a comment may delete it');
    }
    await trx.deleteFrom('comments').where('id', '=', commentId).execute();
    await trx.updateTable('posts').set({ comment_count: sql`comment_count - 1` }).where('id', '=', postId).execute();
  });
}
