// POST /api/v1/auth/login. An unknown username costs the same argon2id verification as a wrong
// password (against a dummy hash), and both answer the same 401, so neither the body nor the
// response time says whether a username exists.

import type { App } from '@scalegram/kit/app';
import { HttpProblem } from '@scalegram/kit/http-problem';
import { NO_AUTH } from '@scalegram/kit/openapi-responses';
import type { RelationalDatabase } from '@scalegram/relational/port';
import type { PasswordHasher } from '../domain/password-hasher.ts';
import type { UserDirectory } from '../registration/user-directory.ts';
import type { SessionService } from '../sessions/session-service.ts';
import { findCredentialByUsername } from '../store/credential-repository.ts';
import type { AuthDatabase } from '../store/schema.ts';
import type { Throttles } from '../throttling/throttles.ts';
import { clientAddress } from './client-address.ts';
import { AuthSession, LoginBody, ProblemRef } from './schemas.ts';

export interface LoginRouteOptions {
  database: RelationalDatabase<AuthDatabase>;
  passwords: PasswordHasher;
  sessions: SessionService;
  users: UserDirectory;
  throttles: Throttles;
}

export async function loginRoute(app: App, options: LoginRouteOptions) {
  const { passwords, sessions, throttles } = options;
  app.post(
    '/api/v1/auth/login',
    {
      schema: {
        summary: 'Log in with username and password',
        operationId: 'login',
        description:
          'Answers a short-lived access token (a JWT: send it as `Authorization: Bearer <accessToken>`, or use Authorize in Swagger UI) and a rotating refresh token. Demo accounts: `user_0` … `user_961`, password `scalegram-demo`. A wrong username and a wrong password give the same 401; repeated failures are throttled per username and address (429 with Retry-After).',
        security: NO_AUTH,
        tags: ['auth'],
        body: LoginBody,
        response: { 200: AuthSession, 400: ProblemRef, 401: ProblemRef, 429: ProblemRef, 503: ProblemRef },
      },
    },
    async (request) => {
      const { username, password } = request.body;
      await throttles.admitLogin(clientAddress(request), username);
      const credential = await findCredentialByUsername(options.database.db, username);
      // Unfinished registrations cannot log in, and are treated exactly like unknown usernames.
      const valid =
        credential?.status === 'active'
          ? await passwords.verify(credential.passwordHash, password)
          : await passwords.verifyDummy(password);
      if (!credential || !valid) {
        throw new HttpProblem(401, 'invalid-credentials', 'Invalid credentials', {
          detail: 'The username or the password is wrong.',
        });
      }
      await throttles.loginSucceeded(username);
      const session = await sessions.prepare({ userId: credential.userId, username: credential.username });
      // The profile is read before the session is stored: if the user service is down the login
      // fails with 503 and leaves no session behind.
      const user = await options.users.getProfile(credential.userId, session.access.accessToken);
      return { user, ...(await sessions.commit(session)) };
    },
  );
}
