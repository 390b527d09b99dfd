// Where a re-index reads every post: the post service's `GET /internal/posts?after&limit` (all shards,
// ascending id order, keyset pages), called with a service token carrying `posts:read`.
import type { Post } from '@scalegram/contracts/posts';
import type { ServiceClient } from '@scalegram/kit/service-client';
import type { ServiceTokenSource } from '@scalegram/kit/service-token-source';
import { UpstreamResponseError } from '@scalegram/kit/upstream-errors';

export interface PostPage {
  items: Post[];
  /** Pass as `after` for the next page; null after the last one. */
  nextAfter: string | null;
}

export interface PostSource {
  page(after: string | undefined, limit: number): Promise<PostPage>;
}

export function createPostSource(posts: ServiceClient, tokens: ServiceTokenSource): PostSource {
  async function get(after: string | undefined, limit: number): Promise<PostPage> {
    const query = new URLSearchParams({ limit: String(limit), ...(after === undefined ? {} : { after }) });
    return posts.get<PostPage>(`/internal/posts?${query}`, {
      headers: { authorization: `Bearer ${await tokens.token()}` },
    });
  }
  return {
    async page(after, limit) {
      try {
        return await get(after, limit);
      } catch (error) {
        // A token revoked or signed with a retired key: fetch a new one once, then give up.
        if (!(error instanceof UpstreamResponseError) || error.status !== 401) throw error;
        tokens.invalidate();
        return get(after, limit);
      }
    },
  };
}
