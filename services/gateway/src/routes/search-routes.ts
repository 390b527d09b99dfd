// Search, hydrated: GET /api/v1/search/posts (semantic search over post text) and
// GET /api/v1/posts/:id/similar. The search service answers ids and scores (`{items: [{postId,
// authorId, score}]}`); the gateway turns them into posts with authors, media and the caller's like
// (src/composition/hydrate-posts.ts), keeping the search service's order and scores.
// /api/v1/posts/:id/similar is a Fastify route of its own, so it wins over the forwarding route's
// `/api/v1/posts/*` row (post service).
import { IdParams } from '@scalegram/contracts/ids';
import { SearchPostsQuery, type SearchResults, SimilarQuery } from '@scalegram/contracts/search';
import type { App } from '@scalegram/kit/app';
import { requireUserHook } from '@scalegram/kit/authentication';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { type HydrationUpstreams, hydratePosts } from '../composition/hydrate-posts.ts';
import { upstreamRequestHeaders } from '../domain/forwarded-headers.ts';
import type { Upstream } from '../upstreams.ts';
import { COMPOSED_ROUTE_ERRORS, sendUpstreamClientError } from './composition-errors.ts';

export interface SearchRoutesOptions {
  search: Upstream;
  hydration: HydrationUpstreams;
}

export async function searchRoutes(app: App, options: SearchRoutesOptions): Promise<void> {
  async function answer(
    request: FastifyRequest,
    reply: FastifyReply,
    path: string,
    query: Record<string, string | number | undefined>,
  ) {
    let results: SearchResults;
    try {
      results = await options.search.get<SearchResults>(path, {
        query,
        headers: upstreamRequestHeaders(request.headers, request.ip, request.protocol),
      });
    } catch (error) {
      return sendUpstreamClientError(reply, error);
    }
    const hydrated = await hydratePosts(options.hydration, results.items, {
      authorization: request.headers.authorization as string,
      logger: request.log,
    });
    reply.header('cache-control', 'private, no-store');
    return {
      items: hydrated.items.map((item) => ({ ...item.value, score: item.reference.score })),
      partial: hydrated.missing.length > 0,
      missing: hydrated.missing,
    };
  }

  app.get(
    '/api/v1/search/posts',
    {
      // Before validation: an anonymous caller gets 401, not the schema's 400.
      onRequest: requireUserHook,
      schema: {
        summary: 'Semantic search over post text, best first, each post hydrated',
        operationId: 'searchPosts',
        description:
          'Composed by the gateway from the search, post, user and media services; `partial`/`missing` ' +
          'as on the feed.',
        tags: ['search'],
        security: [{ bearer: [] }],
        querystring: SearchPostsQuery,
        response: { 200: Type.Ref('HydratedSearchResults'), ...COMPOSED_ROUTE_ERRORS },
      },
    },
    async (request, reply) => answer(request, reply, '/api/v1/search/posts', { ...request.query }),
  );

  app.get(
    '/api/v1/posts/:id/similar',
    {
      // Before validation: an anonymous caller gets 401, not the schema's 400.
      onRequest: requireUserHook,
      schema: {
        summary: 'Posts about the same thing as this one, best first, each post hydrated',
        operationId: 'listSimilarPosts',
        description:
          'Semantic neighbours of a post by its text, never the post itself; 404 when the post is not (yet) indexed. Composed by the gateway from the search, post, user and media services; `partial`/`missing` as on the feed.',
        tags: ['search'],
        security: [{ bearer: [] }],
        params: IdParams,
        querystring: SimilarQuery,
        response: { 200: Type.Ref('HydratedSearchResults'), ...COMPOSED_ROUTE_ERRORS },
      },
    },
    async (request, reply) =>
      answer(request, reply, `/api/v1/posts/${request.params.id}/similar`, { ...request.query }),
  );
}
