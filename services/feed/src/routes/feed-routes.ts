// The home feed: GET /api/v1/feed?cursor&limit for the caller (the token's subject), newest first, as
// {postId, authorId} pairs. The gateway hydrates them into posts, authors and media in one response.

import { FeedPage, FeedQuery } from '@scalegram/contracts/feed';
import { DEFAULT_PAGE_LIMIT } from '@scalegram/contracts/pagination';
import type { App } from '@scalegram/kit/app';
import { requireUserId } from '@scalegram/kit/authentication';
import { BEARER_AUTH } from '@scalegram/kit/openapi-responses';
import type { KeyValueStore } from '@scalegram/kv/port';
import Type from 'typebox';
import { decodeFeedCursor } from '../domain/feed-cursor.ts';
import type { TimelineRegenerator } from '../regeneration/timeline-regenerator.ts';
import { readFeedPage } from '../store/feed-page.ts';

const ProblemRef = Type.Ref('Problem');

export interface FeedRouteOptions {
  kv: KeyValueStore;
  regenerator: TimelineRegenerator;
}

export async function feedRoutes(app: App, { kv, regenerator }: FeedRouteOptions): Promise<void> {
  app.addHook('preValidation', app.authenticate);

  app.get(
    '/feed',
    {
      schema: {
        summary: "The caller's home timeline, newest first (post and author ids; the gateway hydrates them)",
        operationId: 'getFeedIds',
        description: "Post and author ids only; the gateway's GET /api/v1/feed hydrates them.",
        security: BEARER_AUTH,
        tags: ['feed'],
        querystring: FeedQuery,
        response: {
          200: FeedPage,
          400: ProblemRef,
          401: ProblemRef,
          403: ProblemRef,
          502: ProblemRef,
          503: ProblemRef,
          504: ProblemRef,
        },
      },
    },
    async (request) => {
      const userId = requireUserId(request);
      const before = request.query.cursor === undefined ? undefined : decodeFeedCursor(request.query.cursor);
      // authenticate() passed, so the header is a valid bearer token; it is forwarded to regenerate.
      const authorization = request.headers.authorization as string;
      await regenerator.ensure(userId, authorization);
      return readFeedPage(kv, userId, {
        before,
        limit: request.query.limit ?? DEFAULT_PAGE_LIMIT,
        fillRecent: (authorIds) => regenerator.fillRecent(authorIds, authorization),
      });
    },
  );
}
