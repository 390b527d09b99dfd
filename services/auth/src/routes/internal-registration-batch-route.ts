// POST /internal/registrations/batch — up to 100 registrations at once, for the demo seeder (ADR 0041).
// Never routed by the gateway (it forwards /api/v1/* and the JWKS); only a service token with scope
// `registrations:write`, checked before the body is validated. Each account is what
// POST /api/v1/auth/register makes — credentials hashed with the same argon2id parameters, profile,
// `user.registered` event, first session — and each gets its session back, in request order.
import { REGISTRATIONS_WRITE_SCOPE } from '@scalegram/contracts/service-tokens';
import { AuthSession } from '@scalegram/contracts/users';
import type { AccessTokenVerifier } from '@scalegram/kit/access-token';
import type { App } from '@scalegram/kit/app';
import { requireServiceScope } from '@scalegram/kit/service-authentication';
import Type from 'typebox';
import type { Registration, RegistrationInput } from '../registration/registration-saga.ts';
import { ProblemRef, RegisterBody } from './schemas.ts';

export const MAX_REGISTRATION_BATCH = 100;

export interface InternalRegistrationBatchRouteOptions {
  registerMany(inputs: readonly RegistrationInput[]): Promise<Registration[]>;
  /** Verifies service tokens (audience scalegram-internal) against auth's own key ring. */
  serviceVerifier: AccessTokenVerifier;
}

export async function internalRegistrationBatchRoute(
  app: App,
  options: InternalRegistrationBatchRouteOptions,
): Promise<void> {
  app.post(
    '/internal/registrations/batch',
    {
      // About 200 bytes per account; the service's default limit is sized for single requests.
      bodyLimit: 64 * 1024,
      preValidation: requireServiceScope(options.serviceVerifier, REGISTRATIONS_WRITE_SCOPE),
      schema: {
        summary: `Register up to ${MAX_REGISTRATION_BATCH} accounts at once (all or nothing)`,
        tags: ['internal'],
        body: Type.Object(
          { users: Type.Array(RegisterBody, { minItems: 1, maxItems: MAX_REGISTRATION_BATCH }) },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ items: Type.Array(AuthSession, { description: 'In request order' }) }),
          400: ProblemRef,
          401: ProblemRef,
          403: ProblemRef,
          409: ProblemRef,
          413: ProblemRef,
          415: ProblemRef,
          503: ProblemRef,
        },
      },
    },
    async (request, reply) => {
      const items = await options.registerMany(request.body.users);
      return reply.code(201).send({ items });
    },
  );
}
