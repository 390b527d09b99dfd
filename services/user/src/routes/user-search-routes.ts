// GET /api/v1/search/users?q&limit — find people by username or display-name prefix, case-insensitive,
// best matches first (exact username, then username prefixes, then display-name prefixes). Any user
// token; served straight from Postgres (three index range scans), not from the profile cache.

import { UserSearchQuery } from '@scalegram/contracts/users';
import type { App } from '@scalegram/kit/app';
import { requireUserId } from '@scalegram/kit/authentication';
import { BEARER_AUTH } from '@scalegram/kit/openapi-responses';
import Type from 'typebox';
import { searchUsers } from '../queries/search-users.ts';
import type { UserContext } from '../user-context.ts';
import { AUTHENTICATED_ERRORS, SummaryRef } from './route-schemas.ts';

export async function userSearchRoutes(app: App, { context }: { context: UserContext }): Promise<void> {
  // Before validation: an anonymous caller gets 401, whatever it sent.
  app.addHook('preValidation', app.authenticate);

  app.get(
    '/search/users',
    {
      schema: {
        summary: 'Users whose username or display name starts with q (case-insensitive), best matches first',
        operationId: 'searchUsers',
        description: 'Prefix search over usernames and display names, for mentions and the search box.',
        security: BEARER_AUTH,
        tags: ['users'],
        querystring: UserSearchQuery,
        response: { 200: Type.Object({ items: Type.Array(SummaryRef) }), ...AUTHENTICATED_ERRORS },
      },
    },
    async (request) => {
      requireUserId(request);
      return { items: await searchUsers(context, request.query.q, request.query.limit) };
    },
  );
}
