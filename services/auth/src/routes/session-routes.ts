// POST /api/v1/auth/refresh (rotation with reuse detection) and POST /api/v1/auth/logout.

import type { App } from '@scalegram/kit/app';
import { NO_AUTH } from '@scalegram/kit/openapi-responses';
import Type from 'typebox';
import type { SessionService } from '../sessions/session-service.ts';
import { ProblemRef, RefreshBody, TokenPair } from './schemas.ts';

export async function sessionRoutes(app: App, options: { sessions: SessionService }) {
  app.post(
    '/api/v1/auth/refresh',
    {
      schema: {
        summary: 'Exchange a refresh token for a new token pair (the old refresh token is spent)',
        operationId: 'refreshSession',
        description:
          'Rotation with reuse detection: the refresh token sent is spent, and presenting a spent one again ends the whole session (401). Needs no access token, so it works after the access token expired.',
        security: NO_AUTH,
        tags: ['auth'],
        body: RefreshBody,
        response: { 200: TokenPair, 400: ProblemRef, 401: ProblemRef, 503: ProblemRef },
      },
    },
    async (request) => options.sessions.rotate(request.body.refreshToken),
  );

  app.post(
    '/api/v1/auth/logout',
    {
      schema: {
        summary: 'End the session of a refresh token (idempotent)',
        operationId: 'logout',
        description:
          'Revokes the session the refresh token belongs to; an unknown or already revoked token also answers 204. Access tokens already issued stay valid until they expire (minutes).',
        security: NO_AUTH,
        tags: ['auth'],
        body: RefreshBody,
        response: { 204: Type.Null({ description: 'The session is revoked' }), 400: ProblemRef, 503: ProblemRef },
      },
    },
    async (request, reply) => {
      await options.sessions.end(request.body.refreshToken);
      return reply.code(204).send(null);
    },
  );
}
