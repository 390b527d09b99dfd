// Whom a reader follows, from the user service (the authority), page by page with the reader's own token:
// the feed has no service identity of its own yet, and a read is always made on behalf of a reader.
import type { PageOf } from '@scalegram/contracts/pagination';
import type { UserSummary } from '@scalegram/contracts/users';
import type { ServiceClient } from '@scalegram/kit/service-client';
import { UpstreamResponseError } from '@scalegram/kit/upstream-errors';

const PAGE_SIZE = 100;

export interface FollowingSource {
  following(userId: string, authorization: string): Promise<string[]>;
}

export function createFollowingSource(client: ServiceClient): FollowingSource {
  return {
    async following(userId, authorization) {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        let page: PageOf<UserSummary>;
        try {
          page = await client.get<PageOf<UserSummary>>(`/api/v1/users/${userId}/following`, {
            query: { limit: PAGE_SIZE, cursor },
            headers: { authorization },
          });
        } catch (error) {
          // A reader without a profile (yet, or any more) follows nobody: their feed is their own posts.
          if (error instanceof UpstreamResponseError && error.status === 404 && cursor === undefined) return [];
          throw error;
        }
        for (const user of page.items) ids.push(user.id);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      return ids;
    },
  };
}
