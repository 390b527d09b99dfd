// Internal routes are called by other services with a service token: same signing keys as user tokens,
// but audience `scalegram-internal`, subject `service:<name>` and a `scope` (client-credentials grant,
// contracts/service-tokens.ts). A second verifier checks that audience, so a user's access token
// (audience `scalegram`) can never reach a service-only route. Use these as `preValidation` hooks, so an
// anonymous caller is refused before its body is validated and learns nothing about the expected body.
import { SERVICE_SUBJECT_PREFIX } from '@scalegram/contracts/service-tokens';
import type { FastifyRequest } from 'fastify';
import type { AccessTokenVerifier, Identity } from './access-token.ts';
import { bearerToken, requireIdentity } from './authentication.ts';
import { HttpProblem } from './http-problem.ts';

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

/** preHandler: a valid service token carrying `scope`, else 401 (no or bad token) or 403 (missing scope). */
export function requireServiceScope(verifier: AccessTokenVerifier, scope: string) {
  return async (request: FastifyRequest): Promise<void> => {
    const identity = await verifyServiceToken(request, verifier);
    if (!identity.subject.startsWith(SERVICE_SUBJECT_PREFIX) || !identity.scope.includes(scope)) {
      throw new HttpProblem(403, 'insufficient-scope', 'Forbidden', {
        detail: `This route requires a service token with scope "${scope}".`,
        headers: { 'www-authenticate': `Bearer error="insufficient_scope", scope="${scope}"` },
      });
    }
  };
}

/**
 * preHandler: any valid caller — a user token (already verified by the authentication plugin, which must
 * be registered) or a service token.
 */
export function requireUserOrService(verifier: AccessTokenVerifier) {
  return async (request: FastifyRequest): Promise<void> => {
    if (request.identity !== null) return;
    // No valid user token: accept a valid service token instead, else report the user-token problem.
    if (bearerToken(request) === undefined) requireIdentity(request);
    await verifyServiceToken(request, verifier);
  };
}
