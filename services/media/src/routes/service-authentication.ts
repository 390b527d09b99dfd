// The batch route is called by other services (the post service forwards its caller's user token;
// a service may also use its own service token, audience `scalegram-internal`). A second verifier
// checks service tokens, so a user token is never mistaken for one.
import type { AccessTokenVerifier } from '@scalegram/kit/access-token';
import { bearerToken, requireIdentity } from '@scalegram/kit/authentication';
import type { FastifyRequest } from 'fastify';

/** preValidation: any valid caller — a user token (verified by the authentication plugin) or a service token. */
export function requireUserOrService(verifier: AccessTokenVerifier) {
  return async (request: FastifyRequest): Promise<void> => {
    if (request.identity !== null) return;
    const token = bearerToken(request);
    // No token at all, or a refused user token: report that problem (401).
    if (token === undefined) requireIdentity(request);
    else await verifier.verify(token);
  };
}
