// POST /api/v1/auth/refresh (rotation with reuse detection) and POST /api/v1/auth/logout.
import type { App } from '@scalegram/kit/app';
import Type from 'typebox';
import type { SessionService } from '../sessions/session-service.ts';
import { ProblemRef, RefreshBody, TokenPair } from './schemas.ts';

export async function sessionRoutes(app: App, options: { sessions: SessionService }) {
  app.post(
    '/api/v1/auth/refresh',
    {
      schema: {
        summary: 'Exchange a refresh token for a new token pair (the old refresh token is spent)',
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
