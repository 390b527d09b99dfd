// Authors' newest posts, from the post service's internal recent-by-authors route (the authority), up to
// 1,000 authors per call, with the reader's token.
import { MAX_RECENT_AUTHORS, type RecentPostRef, type RecentPostsByAuthorsResponse } from '@scalegram/contracts/feed';
import type { ServiceClient } from '@scalegram/kit/service-client';
import { batches } from '../domain/fan-out-policy.ts';

export interface RecentPostsSource {
  recentByAuthors(
    authorIds: readonly string[],
    limitPerAuthor: number,
    authorization: string,
  ): Promise<RecentPostRef[]>;
}

export function createRecentPostsSource(client: ServiceClient): RecentPostsSource {
  return {
    async recentByAuthors(authorIds, limitPerAuthor, authorization) {
      const pages = await Promise.all(
        batches(authorIds, MAX_RECENT_AUTHORS).map((chunk) =>
          client.post<RecentPostsByAuthorsResponse>(
            '/internal/posts/recent-by-authors',
            { authorIds: chunk, limitPerAuthor },
            { headers: { authorization } },
          ),
        ),
      );
      return pages.flatMap((page) => page.items);
    },
  };
}
