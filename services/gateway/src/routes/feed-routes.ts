// GET /api/v1/feed: the home timeline, hydrated. The feed service answers post and author ids
// (`{items: [{postId, authorId}], nextCursor}`); the gateway turns them into posts with their authors,
// media and the caller's like in one response (src/composition/hydrate-posts.ts). The cursor is the
// feed service's, passed through both ways.
import { type FeedPage, FeedQuery } from '@scalegram/contracts/feed';
import type { App } from '@scalegram/kit/app';
import { requireUserHook } from '@scalegram/kit/authentication';
import Type from 'typebox';
import { type HydrationUpstreams, hydratePosts } from '../composition/hydrate-posts.ts';
import { upstreamRequestHeaders } from '../domain/forwarded-headers.ts';
import type { Upstream } from '../upstreams.ts';
import { COMPOSED_ROUTE_ERRORS, sendUpstreamClientError } from './composition-errors.ts';

export interface FeedRoutesOptions {
  feed: Upstream;
  hydration: HydrationUpstreams;
}

export async function feedRoutes(app: App, options: FeedRoutesOptions): Promise<void> {
  app.get(
    '/api/v1/feed',
    {
      // Before validation: an anonymous caller gets 401, not the schema's 400.
      onRequest: requireUserHook,
      schema: {
        summary: 'Home timeline, newest first, each post with its author, media and whether you liked it',
        operationId: 'getFeed',
        description:
          'Composed by the gateway from the feed, post, user and media services. If authors, media or ' +
          'likes cannot be looked up, the page still comes with `partial: true` and `missing` naming them.',
        tags: ['feed'],
        security: [{ bearer: [] }],
        querystring: FeedQuery,
        response: { 200: Type.Ref('HydratedFeedPage'), ...COMPOSED_ROUTE_ERRORS },
      },
    },
    async (request, reply) => {
      let page: FeedPage;
      try {
        page = await options.feed.get<FeedPage>('/api/v1/feed', {
          query: { cursor: request.query.cursor, limit: request.query.limit },
          headers: upstreamRequestHeaders(request.headers, request.ip, request.protocol),
        });
      } catch (error) {
        return sendUpstreamClientError(reply, error);
      }
      const hydrated = await hydratePosts(options.hydration, page.items, {
        authorization: request.headers.authorization as string,
        logger: request.log,
      });
      reply.header('cache-control', 'private, no-store');
      return {
        items: hydrated.items.map((item) => item.value),
        nextCursor: page.nextCursor,
        partial: hydrated.missing.length > 0,
        missing: hydrated.missing,
      };
    },
  );
}
