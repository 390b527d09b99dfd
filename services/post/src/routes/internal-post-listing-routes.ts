// GET /internal/posts?after=<id>&limit=<1..500> — every post in id order across all shards, for
// re-indexing. Never routed by the gateway; only a service token with scope `posts:read` may call it
// (kit's requireServiceScope, checked before the querystring is validated), since it reads everyone's
// posts in bulk: a user token is refused (401, wrong audience).
import { PostListingQuery, PostListingResponse } from '@scalegram/contracts/posts';
import { POSTS_READ_SCOPE } from '@scalegram/contracts/service-tokens';
import type { AccessTokenVerifier } from '@scalegram/kit/access-token';
import type { App } from '@scalegram/kit/app';
import { requireServiceScope } from '@scalegram/kit/service-authentication';
import type { PostContext } from '../post-context.ts';
import { listAllPosts } from '../store/list-all-posts.ts';
import { AUTHENTICATED_ERRORS } from './route-schemas.ts';
import { assertStorableIds } from './storable-id.ts';

export interface InternalPostListingRoutesOptions {
  context: PostContext;
  /** Verifies service tokens (audience scalegram-internal). */
  serviceVerifier: AccessTokenVerifier;
}

export async function internalPostListingRoutes(app: App, options: InternalPostListingRoutesOptions): Promise<void> {
  const { context, serviceVerifier } = options;

  app.get(
    '/internal/posts',
    {
      preValidation: requireServiceScope(serviceVerifier, POSTS_READ_SCOPE),
      schema: {
        summary: 'Every post in ascending id order across all shards, keyset-paginated (for re-indexing)',
        tags: ['internal'],
        querystring: PostListingQuery,
        response: { 200: PostListingResponse, ...AUTHENTICATED_ERRORS },
      },
    },
    async (request) => {
      const { after, limit } = request.query;
      assertStorableIds({ '/querystring/after': after });
      return listAllPosts(context, { after, limit });
    },
  );
}
