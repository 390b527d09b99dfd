// Which posts a user has liked. Likes live on their post's shard, so the ids are grouped by shard:
// one query per shard involved, in parallel, each an index lookup on the (post_id, user_id) key.
import type { RelationalDatabase } from '@scalegram/relational/port';
import type { PostContext } from '../post-context.ts';
import type { PostDatabase } from './schema.ts';

/** The subset of `postIds` that `userId` has liked, in the order asked. */
export async function likedPostIds(
  context: PostContext,
  userId: string,
  postIds: readonly string[],
): Promise<string[]> {
  const byDatabase = new Map<RelationalDatabase<PostDatabase>, string[]>();
  for (const id of postIds) {
    const database = context.router.databaseForId(id);
    byDatabase.set(database, [...(byDatabase.get(database) ?? []), id]);
  }
  const results = await Promise.all(
    [...byDatabase].map(([database, shardIds]) =>
      database.db
        .selectFrom('likes')
        .select('post_id')
        .where('user_id', '=', userId)
        .where('post_id', 'in', shardIds)
        .execute(),
    ),
  );
  const liked = new Set(results.flat().map((row) => row.post_id));
  return postIds.filter((id) => liked.has(id));
}
