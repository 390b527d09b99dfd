// The public search API (through the gateway, which hydrates the hits into posts): semantic search over
// posts, and posts similar to one post. Both need a user's access token.

import { IdParams } from '@scalegram/contracts/ids';
import {
  DEFAULT_SEARCH_LIMIT,
  DEFAULT_SIMILAR_LIMIT,
  SearchPostsQuery,
  SearchResults,
  SimilarQuery,
} from '@scalegram/contracts/search';
import type { App } from '@scalegram/kit/app';
import { BEARER_AUTH } from '@scalegram/kit/openapi-responses';
import Type from 'typebox';
import type { SearchContext } from '../search-context.ts';
import { searchPosts, similarPosts } from '../store/index-queries.ts';

const ProblemRef = Type.Ref('Problem');
const AUTHENTICATED_ERRORS = { 400: ProblemRef, 401: ProblemRef, 503: ProblemRef } as const;

export async function searchRoutes(app: App, { context }: { context: SearchContext }): Promise<void> {
  // Before validation: an anonymous caller gets 401, whatever it sent.
  app.addHook('preValidation', app.authenticate);

  app.get(
    '/search/posts',
    {
      schema: {
        summary: 'Posts about a text, best first (semantic search), optionally by one author and within a time window',
        operationId: 'searchPostIds',
        description: "Post ids and scores only; the gateway's GET /api/v1/search/posts hydrates them.",
        security: BEARER_AUTH,
        tags: ['search'],
        querystring: SearchPostsQuery,
        response: { 200: SearchResults, ...AUTHENTICATED_ERRORS },
      },
    },
    async (request) => {
      const { q, limit = DEFAULT_SEARCH_LIMIT, authorId, since, until } = request.query;
      return { items: await searchPosts(context, { q, limit, authorId, since, until }) };
    },
  );

  app.get(
    '/posts/:id/similar',
    {
      schema: {
        summary: 'Posts similar to this one, best first, never the post itself (404 when it is not indexed)',
        operationId: 'listSimilarPostIds',
        description: "Post ids and scores only; the gateway's GET /api/v1/posts/{id}/similar hydrates them.",
        security: BEARER_AUTH,
        tags: ['search'],
        params: IdParams,
        querystring: SimilarQuery,
        response: { 200: SearchResults, ...AUTHENTICATED_ERRORS, 404: ProblemRef },
      },
    },
    async (request) => {
      const { limit = DEFAULT_SIMILAR_LIMIT } = request.query;
      return { items: await similarPosts(context, request.params.id, limit) };
    },
  );
}
