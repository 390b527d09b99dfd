// Reads from the search index: semantic search (embed the query, nearest posts that pass the filter)
// and similar posts (the post's own vector as the example). Both answer ids and scores; the gateway
// hydrates them into posts.
import { NotFoundError } from '@scalegram/contracts/errors';
import type { SearchHit } from '@scalegram/contracts/search';
import type { ScoredPoint } from '@scalegram/vector/port';
import { type SearchScope, searchFilter } from '../domain/search-filter.ts';
import type { SearchContext } from '../search-context.ts';

function toHits(points: ScoredPoint[]): SearchHit[] {
  return points.map((point) => ({ postId: point.id, authorId: String(point.payload.authorId), score: point.score }));
}

export async function searchPosts(
  context: SearchContext,
  request: SearchScope & { q: string; limit: number },
): Promise<SearchHit[]> {
  const [vector] = await context.embedder.embed([request.q]);
  // A query with nothing to embed (only punctuation or stop words) is close to nothing.
  if (vector === undefined || vector.every((value) => value === 0)) return [];
  const filter = searchFilter(request);
  const points = await context.index.search(context.names.live, {
    vector,
    limit: request.limit,
    scoreThreshold: context.minScore,
    ...(filter === undefined ? {} : { filter }),
  });
  return toHits(points);
}

/** Posts like this one, never itself; NotFoundError when the post is not in the index. */
export async function similarPosts(context: SearchContext, postId: string, limit: number): Promise<SearchHit[]> {
  try {
    return toHits(await context.index.recommend(context.names.live, { positive: [postId], limit }));
  } catch (error) {
    if (error instanceof NotFoundError)
      throw new NotFoundError(`post ${postId} is not in the search index`, { code: 'post-not-indexed' });
    throw error;
  }
}
