// POST /api/v1/auth/register — the registration saga (ADR 0016) behind a per-address throttle.

import type { App } from '@scalegram/kit/app';
import { NO_AUTH } from '@scalegram/kit/openapi-responses';
import type { RegistrationSaga } from '../registration/registration-saga.ts';
import type { Throttles } from '../throttling/throttles.ts';
import { clientAddress } from './client-address.ts';
import { AuthSession, ProblemRef, RegisterBody } from './schemas.ts';

export interface RegisterRouteOptions {
  registrations: RegistrationSaga;
  throttles: Throttles;
}

export async function registerRoute(app: App, options: RegisterRouteOptions) {
  app.post(
    '/api/v1/auth/register',
    {
      schema: {
        summary: 'Create an account and log in',
        operationId: 'register',
        description:
          'Creates the credentials and the profile (a saga across the auth and user services, undone if a step fails) and answers a session as login does, with `Location` naming the new profile. Usernames are unique case-insensitively (409). Throttled per address (429 with Retry-After).',
        security: NO_AUTH,
        tags: ['auth'],
        body: RegisterBody,
        response: { 201: AuthSession, 400: ProblemRef, 409: ProblemRef, 429: ProblemRef, 503: ProblemRef },
      },
    },
    async (request, reply) => {
      await options.throttles.admitRegistration(clientAddress(request));
      const registration = await options.registrations.register(request.body);
      reply.code(201).header('location', `/api/v1/users/${registration.user.id}`);
      return registration;
    },
  );
}
