// Who is calling: a plugin that reads `Authorization: Bearer <token>`, verifies it with the access
// token verifier and puts the identity on the request. Routes opt in with `preHandler:
// app.authenticate` (401 without a valid token) — no service trusts an unauthenticated caller, even
// behind the gateway, because the gateway is not the only thing that can reach a pod.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { type AccessTokenVerifier, type Identity, invalidToken } from './access-token.ts';
import { HttpProblem } from './http-problem.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller, or null when the request carried no (valid) token. */
    identity: Identity | null;
    /** Why the token the request carried was refused; thrown by routes that require a caller. */
    identityError: Error | null;
  }
  interface FastifyInstance {
    /** preHandler that requires a valid access token. */
    authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
}

export interface AuthenticationOptions {
  verifier: AccessTokenVerifier;
}

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/;

/** Returns the bearer token of a request, undefined when absent, or throws 401 when malformed. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined || header === '') return undefined;
  const match = BEARER.exec(header);
  if (!match?.[1]) throw invalidToken('the Authorization header must be "Bearer <jwt>"');
  return match[1];
}

/** The caller's identity, or 401 when the route was reached without one. */
export function requireIdentity(request: FastifyRequest): Identity {
  if (request.identityError !== null) throw request.identityError;
  if (request.identity === null) {
    throw new HttpProblem(401, 'unauthenticated', 'Authentication required', {
      detail: 'Send an access token as "Authorization: Bearer <token>".',
      headers: { 'www-authenticate': 'Bearer' },
    });
  }
  return request.identity;
}

/** The caller's user id; 401 without a token, 403 for a service token on a user-only route. */
export function requireUserId(request: FastifyRequest): string {
  const identity = requireIdentity(request);
  if (identity.userId === undefined) {
    throw new HttpProblem(403, 'user-token-required', 'Forbidden', { detail: 'This route acts on behalf of a user.' });
  }
  return identity.userId;
}

/**
 * The same check as a route's `onRequest` hook: an anonymous caller gets 401 before the request is
 * parsed or validated, so a schema's 400 never tells a stranger what the route expects.
 */
export async function requireUserHook(request: FastifyRequest): Promise<void> {
  requireUserId(request);
}

export const authenticationPlugin = fp(
  async (app: FastifyInstance, options: AuthenticationOptions) => {
    app.decorateRequest('identity', null);
    app.decorateRequest('identityError', null);
    // Every request is inspected, so a route that does not require a caller can still see who it is
    // (e.g. `likedByMe`). A refused token only fails the routes that require a caller: a client that
    // sends its expired access token along to /auth/refresh must still be able to refresh. An
    // unreachable key set is our outage and fails the request either way (503).
    app.addHook('onRequest', async (request) => {
      try {
        const token = bearerToken(request);
        if (token !== undefined) request.identity = await options.verifier.verify(token);
      } catch (error) {
        if (!(error instanceof HttpProblem)) throw error;
        request.identityError = error;
      }
    });
    app.decorate('authenticate', async (request: FastifyRequest) => {
      requireIdentity(request);
    });
  },
  { name: 'scalegram-authentication' },
);
