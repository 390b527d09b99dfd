// Every post in ascending id order across all physical shards, a page at a time, for re-indexing (the
// search service's rebuild). Each shard answers its next `limit + 1` posts after the cursor (a primary-key
// range scan), in parallel; the pages are merged by id and cut at `limit`. Ids grow with time, so the
// walk goes oldest to newest. A post created during the walk with an id below the cursor (another
// replica's clock slightly behind) is not visited: the re-indexer also consumes post events, which
// cover it.
import type { Post } from '@scalegram/contracts/posts';
import type { PostContext } from '../post-context.ts';
import { toPost } from './post-rows.ts';

export interface PostListingPage {
  items: Post[];
  /** The last id of this page when more posts follow, else null. */
  nextAfter: string | null;
}

const byId = (a: Post, b: Post) => {
  const difference = BigInt(a.id) - BigInt(b.id);
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
};

export async function listAllPosts(
  context: PostContext,
  page: { after?: string | undefined; limit: number },
): Promise<PostListingPage> {
  const perShard = await Promise.all(
    context.router.all().map((database) => {
      let query = database.db
        .selectFrom('posts')
        .selectAll()
        .orderBy('id', 'asc')
        .limit(page.limit + 1);
      if (page.after !== undefined) query = query.where('id', '>', page.after);
      return query.execute();
    }),
  );
  // If no shard had more than `limit` rows after the cursor, the merged list holds every remaining post;
  // more than `limit` merged rows means at least one post follows this page.
  const merged = perShard.flat().map(toPost).sort(byId);
  const items = merged.slice(0, page.limit);
  const last = items.at(-1);
  return { items, nextAfter: merged.length > page.limit && last ? last.id : null };
}
