// POST /api/v1/auth/password — needs a valid access token AND the current password (a stolen access
// token alone must not be enough to take the account over). The new hash is stored and every OTHER
// session of the user is revoked in one transaction; the caller's own session (`sid`) stays.

import type { App } from '@scalegram/kit/app';
import { requireIdentity, requireUserId } from '@scalegram/kit/authentication';
import { HttpProblem } from '@scalegram/kit/http-problem';
import type { RelationalDatabase } from '@scalegram/relational/port';
import Type from 'typebox';
import type { PasswordHasher } from '../domain/password-hasher.ts';
import { lockCredential, updatePasswordHash } from '../store/credential-repository.ts';
import type { AuthDatabase } from '../store/schema.ts';
import { familyRevokedAt, lockOtherFamilies, revokeFamily } from '../store/session-repository.ts';
import type { Throttles } from '../throttling/throttles.ts';
import { PasswordBody, ProblemRef } from './schemas.ts';

export interface PasswordRouteOptions {
  database: RelationalDatabase<AuthDatabase>;
  passwords: PasswordHasher;
  throttles: Throttles;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const sessionEnded = () =>
  new HttpProblem(401, 'session-revoked', 'Session ended', { detail: 'The session of this access token has ended.' });

export async function passwordRoute(app: App, options: PasswordRouteOptions) {
  const { database, passwords } = options;
  app.post(
    '/api/v1/auth/password',
    {
      preHandler: app.authenticate,
      schema: {
        summary: 'Change the password; every other session is logged out',
        operationId: 'changePassword',
        description:
          "Needs the current password as well as an access token. Every other session of the account is revoked; the caller's own session continues.",
        tags: ['auth'],
        security: [{ bearer: [] }],
        body: PasswordBody,
        response: {
          204: Type.Null({ description: 'Changed' }),
          400: ProblemRef,
          401: ProblemRef,
          403: ProblemRef,
          429: ProblemRef,
          503: ProblemRef,
        },
      },
    },
    async (request, reply) => {
      const userId = requireUserId(request);
      const sessionId = requireIdentity(request).sessionId;
      if (sessionId === undefined || !UUID.test(sessionId)) throw sessionEnded();
      const { currentPassword, newPassword } = request.body;
      await options.throttles.admitPasswordCheck(userId);
      // Hashing the new password (the slow part) happens before the transaction, to keep it short.
      const newHash = await passwords.hash(newPassword);
      const outcome = await database.transaction(async (trx) => {
        const credential = await lockCredential(trx, userId);
        if (credential?.status !== 'active') return 'no-session' as const;
        const revokedAt = await familyRevokedAt(trx, sessionId, userId);
        if (revokedAt !== null) return 'no-session' as const; // revoked, or not a session of ours
        if (!(await passwords.verify(credential.passwordHash, currentPassword))) return 'wrong-password' as const;
        await updatePasswordHash(trx, userId, newHash);
        for (const familyId of await lockOtherFamilies(trx, userId, sessionId)) {
          await revokeFamily(trx, familyId, 'password-change');
        }
        return 'changed' as const;
      });
      if (outcome === 'no-session') throw sessionEnded();
      if (outcome === 'wrong-password') {
        // 403, not 401: the access token is fine, a client must not react by refreshing it.
        throw new HttpProblem(403, 'wrong-password', 'Wrong password', { detail: 'The current password is wrong.' });
      }
      await options.throttles.passwordCheckSucceeded(userId);
      return reply.code(204).send(null);
    },
  );
}
