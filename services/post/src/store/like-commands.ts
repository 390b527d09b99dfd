// Likes. The post row is locked first (SELECT … FOR UPDATE), so concurrent likes of one post queue on it
// and like_count stays exactly COUNT(*) of its likes; the composite primary key makes a repeated like
// a no-op (and publishes nothing).
import { NotFoundError } from '@scalegram/contracts/errors';
import { sql } from 'kysely';
import { enqueuePostLiked, enqueuePostUnliked } from '../events/post-event-outbox.ts';
import type { PostContext } from '../post-context.ts';

export async function likePost(context: PostContext, postId: string, userId: string): Promise<void> {
  await context.router.databaseForId(postId).transaction(async (trx) => {
    const post = await trx
      .selectFrom('posts')
      .select('author_id')
      .where('id', '=', postId)
      .forUpdate()
      .executeTakeFirst();
    if (post === undefined) throw new NotFoundError('post not found');
    const inserted = await trx
      .insertInto('likes')
      .values({ post_id: postId, user_id: userId })
      .onConflict((conflict) => conflict.columns(['post_id', 'user_id']).doNothing())
      .returning('user_id')
      .executeTakeFirst();
    if (inserted === undefined) return;
    await trx.updateTable('posts').set({ like_count: sql`like_count + 1` }).where('id', '=', postId).execute();
    await enqueuePostLiked(trx, { postId, postAuthorId: post.author_id, userId });
  });
}

export async function unlikePost(context: PostContext, postId: string, userId: string): Promise<void> {
  await context.router.databaseForId(postId).transaction(async (trx) => {
    const post = await trx
      .selectFrom('posts')
      .select('author_id')
      .where('id', '=', postId)
      .forUpdate()
      .executeTakeFirst();
    if (post === undefined) throw new NotFoundError('post not found');
    const deleted = await trx
      .deleteFrom('likes')
      .where('post_id', '=', postId)
      .where('user_id', '=', userId)
      .returning('user_id')
      .executeTakeFirst();
    if (deleted === undefined) return;
    await trx.updateTable('posts').set({ like_count: sql`like_count - 1` }).where('id', '=', postId).execute();
    await enqueuePostUnliked(trx, { postId, postAuthorId: post.author_id, userId });
  });
}
