// The follow graph. PUT and DELETE act for the caller only (the token's subject follows or unfollows
// `:id`); both are idempotent and answer 204 whether or not anything changed.

import { IdParams } from '@scalegram/contracts/ids';
import { DEFAULT_PAGE_LIMIT, Page, PageQuery } from '@scalegram/contracts/pagination';
import type { App } from '@scalegram/kit/app';
import { requireUserId } from '@scalegram/kit/authentication';
import { HttpProblem } from '@scalegram/kit/http-problem';
import { BEARER_AUTH } from '@scalegram/kit/openapi-responses';
import Type from 'typebox';
import { follow, SelfFollowError, unfollow } from '../commands/follow-commands.ts';
import { listFollowEdges } from '../queries/profile-queries.ts';
import type { UserContext } from '../user-context.ts';
import { AUTHENTICATED_ERRORS, ProblemRef, SummaryRef } from './route-schemas.ts';

const NoContent = Type.Null({ description: 'No content' });

async function selfFollowIsBadRequest(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (error instanceof SelfFollowError) {
      throw new HttpProblem(400, 'cannot-follow-self', 'Cannot follow yourself', { detail: error.message });
    }
    throw error;
  }
}

export async function followRoutes(app: App, { context }: { context: UserContext }): Promise<void> {
  // Before validation: an anonymous caller gets 401, whatever it sent.
  app.addHook('preValidation', app.authenticate);

  const edgeSchema = { params: IdParams, response: { 204: NoContent, ...AUTHENTICATED_ERRORS, 404: ProblemRef } };

  app.put(
    '/users/:id/follow',
    {
      schema: {
        summary: 'Follow a user (idempotent)',
        operationId: 'followUser',
        description:
          'The caller follows the user `id`; 204 whether or not it already did. Their recent posts join your ' +
          'feed, and they are notified. Following yourself is a 400.',
        security: BEARER_AUTH,
        tags: ['follows'],
        ...edgeSchema,
      },
    },
    async (request, reply) => {
      const actor = requireUserId(request);
      await selfFollowIsBadRequest(() => follow(context, actor, request.params.id));
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/users/:id/follow',
    {
      schema: {
        summary: 'Unfollow a user (idempotent)',
        operationId: 'unfollowUser',
        description:
          'The caller stops following the user `id`; 204 whether or not it did. Their posts leave your feed.',
        security: BEARER_AUTH,
        tags: ['follows'],
        ...edgeSchema,
      },
    },
    async (request, reply) => {
      const actor = requireUserId(request);
      await selfFollowIsBadRequest(() => unfollow(context, actor, request.params.id));
      return reply.code(204).send(null);
    },
  );

  for (const direction of ['followers', 'following'] as const) {
    app.get(
      `/users/:id/${direction}`,
      {
        schema: {
          summary: direction === 'followers' ? "A user's followers, newest first" : 'Whom a user follows, newest first',
          operationId: direction === 'followers' ? 'listFollowers' : 'listFollowing',
          description:
            'Newest follow first. Cursor pagination: pass the `nextCursor` of a page as `cursor` to get the next ' +
            'one; `nextCursor` is null on the last page.',
          security: BEARER_AUTH,
          tags: ['follows'],
          params: IdParams,
          querystring: PageQuery,
          response: { 200: Page(SummaryRef), ...AUTHENTICATED_ERRORS, 404: ProblemRef },
        },
      },
      async (request) => {
        requireUserId(request);
        return listFollowEdges(context, direction, request.params.id, {
          cursor: request.query.cursor,
          limit: request.query.limit ?? DEFAULT_PAGE_LIMIT,
        });
      },
    );
  }
}
