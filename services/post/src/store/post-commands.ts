// Writes on posts. Each runs in one transaction on the shard that owns the post, together with its
// outbox event (and, for a create with an Idempotency-Key, the stored response).
import { NotFoundError } from '@scalegram/contracts/errors';
import type { Post } from '@scalegram/contracts/posts';
import { HttpProblem } from '@scalegram/kit/http-problem';
import { parseMentions } from '../domain/mentions.ts';
import { enqueuePostCreated, enqueuePostDeleted, enqueuePostUpdated } from '../events/post-event-outbox.ts';
import type { PostContext } from '../post-context.ts';
import { completeIdempotencyKey, type IdempotencyClaim } from './idempotency-store.ts';
import { toPost } from './post-rows.ts';
import { retryOnIdCollision } from './retry-on-id-collision.ts';

export interface NewPost {
  authorId: string;
  /** Already normalised and checked (domain/post-text.ts). */
  text: string;
  mediaIds: string[];
}

export const postLocation = (id: string) => `/api/v1/posts/${id}`;

export async function createPost(context: PostContext, input: NewPost, claim?: IdempotencyClaim): Promise<Post> {
  const logicalShard = context.router.logicalShardForUser(input.authorId);
  const database = context.router.databaseForLogical(logicalShard);
  return retryOnIdCollision('posts_pkey', async () => {
    const id = await context.ids.nextString(logicalShard);
    return database.transaction(async (trx) => {
      const row = await trx
        .insertInto('posts')
        .values({ id, author_id: input.authorId, text: input.text, media_ids: JSON.stringify(input.mediaIds) })
        .returningAll()
        .executeTakeFirstOrThrow();
      const post = toPost(row);
      await enqueuePostCreated(trx, {
        postId: post.id,
        authorId: post.authorId,
        text: post.text,
        mediaIds: post.mediaIds,
        mentions: parseMentions(post.text),
        createdAt: post.createdAt,
      });
      if (claim !== undefined) {
        await completeIdempotencyKey(trx, claim, { status: 201, location: postLocation(post.id), body: post });
      }
      return post;
    });
  });
}

function forbidden(): HttpProblem {
  return new HttpProblem(403, 'forbidden', 'Only the author may change this post');
}

export async function updatePostText(context: PostContext, postId: string, userId: string, text: string) {
  return context.router.databaseForId(postId).transaction(async (trx) => {
    const current = await trx
      .selectFrom('posts')
      .select('author_id')
      .where('id', '=', postId)
      .forUpdate()
      .executeTakeFirst();
    if (current === undefined) throw new NotFoundError('post not found');
    if (current.author_id !== userId) throw forbidden();
    const row = await trx
      .updateTable('posts')
      .set({ text, updated_at: new Date() })
      .where('id', '=', postId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await enqueuePostUpdated(trx, { postId, authorId: userId, text, mentions: parseMentions(text) });
    return toPost(row);
  });
}

export async function deletePost(context: PostContext, postId: string, userId: string): Promise<void> {
  await context.router.databaseForId(postId).transaction(async (trx) => {
    const current = await trx
      .selectFrom('posts')
      .select('author_id')
      .where('id', '=', postId)
      .forUpdate()
      .executeTakeFirst();
    if (current === undefined) throw new NotFoundError('post not found');
    if (current.author_id !== userId) throw forbidden();
    // Likes and comments go with it (on delete cascade, same shard).
    await trx.deleteFrom('posts').where('id', '=', postId).execute();
    await enqueuePostDeleted(trx, { postId, authorId: userId });
  });
}
