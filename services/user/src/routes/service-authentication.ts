// Internal routes are called by other services with a service token: same signing key as user tokens,
// but audience `scalegram-internal`, subject `service:<name>` and a `scope`. A second verifier checks
// that audience, so a user's access token (audience `scalegram`) can never reach a service-only route.
import type { AccessTokenVerifier, Identity } from '@scalegram/kit/access-token';
import { bearerToken, requireIdentity } from '@scalegram/kit/authentication';
import { HttpProblem } from '@scalegram/kit/http-problem';
import type { FastifyRequest } from 'fastify';

export const USERS_WRITE_SCOPE = 'users:write';

const unauthenticated = () =>
  new HttpProblem(401, 'unauthenticated', 'Authentication required', {
    detail: 'Send a service token as "Authorization: Bearer <token>".',
    headers: { 'www-authenticate': 'Bearer' },
  });

async function verifyServiceToken(request: FastifyRequest, verifier: AccessTokenVerifier): Promise<Identity> {
  const token = bearerToken(request);
  if (token === undefined) throw unauthenticated();
  return verifier.verify(token);
}

/** preHandler: a valid service token carrying `scope`, else 401 (bad token) or 403 (missing scope). */
export function requireServiceScope(verifier: AccessTokenVerifier, scope: string) {
  return async (request: FastifyRequest): Promise<void> => {
    const identity = await verifyServiceToken(request, verifier);
    if (!identity.subject.startsWith('service:') || !identity.scope.includes(scope)) {
      throw new HttpProblem(403, 'insufficient-scope', 'Forbidden', {
        detail: `This route requires a service token with scope "${scope}".`,
        headers: { 'www-authenticate': `Bearer error="insufficient_scope", scope="${scope}"` },
      });
    }
  };
}

/** preHandler: any valid caller — a user token (already verified by the authentication plugin) or a service token. */
export function requireUserOrService(verifier: AccessTokenVerifier) {
  return async (request: FastifyRequest): Promise<void> => {
    if (request.identity !== null) return;
    // No valid user token: accept a valid service token instead, else report the user-token problem.
    if (bearerToken(request) === undefined) requireIdentity(request);
    await verifyServiceToken(request, verifier);
  };
}
