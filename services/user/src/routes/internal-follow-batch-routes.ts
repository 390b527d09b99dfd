// POST /internal/follows/batch — up to 1,000 follows in one transaction, for the demo seeder (ADR 0041).
// Never routed by the gateway (it forwards only /api/v1/* and the JWKS); only a service token with scope
// `follows:write` may call it, checked before the body is validated. Each edge makes the same row,
// counter changes and `user.followed` event as PUT /api/v1/users/:id/follow by its follower.
import { Id } from '@scalegram/contracts/ids';
import { FOLLOWS_WRITE_SCOPE } from '@scalegram/contracts/service-tokens';
import type { AccessTokenVerifier } from '@scalegram/kit/access-token';
import type { App } from '@scalegram/kit/app';
import { HttpProblem } from '@scalegram/kit/http-problem';
import { requireServiceScope } from '@scalegram/kit/service-authentication';
import Type from 'typebox';
import { followMany } from '../commands/follow-batch-command.ts';
import { SelfFollowError } from '../commands/follow-commands.ts';
import type { UserContext } from '../user-context.ts';
import { AUTHENTICATED_ERRORS, ProblemRef } from './route-schemas.ts';
import { assertStorableId } from './storable-id.ts';

export const MAX_FOLLOW_BATCH = 1_000;
// About 60 bytes per edge; the service's default body limit is sized for its other routes.
const FOLLOW_BATCH_BODY_LIMIT = 128 * 1024;

const FollowBatchRequest = Type.Object(
  {
    follows: Type.Array(Type.Object({ followerId: Id, followeeId: Id }, { additionalProperties: false }), {
      minItems: 1,
      maxItems: MAX_FOLLOW_BATCH,
    }),
  },
  { additionalProperties: false },
);

const FollowBatchResponse = Type.Object({
  created: Type.Integer({ minimum: 0, description: 'edges that did not exist before' }),
  existing: Type.Integer({ minimum: 0, description: 'edges that existed already (or repeated in the batch)' }),
});

export interface InternalFollowBatchRoutesOptions {
  context: UserContext;
  /** Verifies service tokens (audience scalegram-internal). */
  serviceVerifier: AccessTokenVerifier;
}

export async function internalFollowBatchRoutes(app: App, options: InternalFollowBatchRoutesOptions): Promise<void> {
  const { context, serviceVerifier } = options;
  app.post(
    '/internal/follows/batch',
    {
      bodyLimit: FOLLOW_BATCH_BODY_LIMIT,
      preValidation: requireServiceScope(serviceVerifier, FOLLOWS_WRITE_SCOPE),
      schema: {
        summary: `Up to ${MAX_FOLLOW_BATCH} follows in one transaction (all or nothing; idempotent)`,
        tags: ['internal'],
        body: FollowBatchRequest,
        response: {
          200: FollowBatchResponse,
          ...AUTHENTICATED_ERRORS,
          404: ProblemRef,
          413: ProblemRef,
          415: ProblemRef,
        },
      },
    },
    async (request) => {
      const { follows } = request.body;
      for (const [index, edge] of follows.entries()) {
        assertStorableId(edge.followerId, `/body/follows/${index}/followerId`);
        assertStorableId(edge.followeeId, `/body/follows/${index}/followeeId`);
      }
      try {
        return await followMany(context, follows);
      } catch (error) {
        if (error instanceof SelfFollowError) {
          throw new HttpProblem(400, 'cannot-follow-self', 'Cannot follow yourself', { detail: error.message });
        }
        throw error;
      }
    },
  );
}
