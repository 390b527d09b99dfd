// Registration in bulk (the demo seeder, ADR 0041): the saga of registration-saga.ts for up to 100
// accounts at once — every password hashed on its own with the production argon2id parameters, one
// insert of pending credentials, one call to the user service's bulk route, one transaction that
// activates them all and opens their first sessions. The rows and events are those of as many single
// registrations. All or nothing as the client sees it: a taken username refuses the batch (409) with
// nothing written; a failure after the pending rows leaves them to the recovery loop, which
// compensates them as it does a single saga's (profile deleted, then credentials).
import { randomUUID } from 'node:crypto';
import { ConflictError, UnavailableError } from '@scalegram/contracts/errors';
import type { UserProfile } from '@scalegram/contracts/users';
import { UpstreamResponseError } from '@scalegram/kit/upstream-errors';
import { UniqueViolationError } from '@scalegram/relational/errors';
import type { IdGenerator } from '@scalegram/relational/id-generator';
import { LOGICAL_SHARDS } from '@scalegram/relational/id-generator';
import type { RelationalDatabase } from '@scalegram/relational/port';
import type { PasswordHasher } from '../domain/password-hasher.ts';
import { newRefreshToken, refreshTokenDigest } from '../domain/refresh-token.ts';
import type { TokenIssuer } from '../keys/token-issuer.ts';
import {
  activateCredentials,
  createFamilies,
  deleteUnfinishedCredentials,
  insertPendingCredentials,
} from '../store/bulk-registration-repository.ts';
import type { AuthDatabase } from '../store/schema.ts';
import type { Registration, RegistrationInput } from './registration-saga.ts';
import type { UserDirectory } from './user-directory.ts';

export interface BulkRegistrationOptions {
  database: RelationalDatabase<AuthDatabase>;
  users: UserDirectory;
  passwords: PasswordHasher;
  tokens: TokenIssuer;
  ids: IdGenerator;
  refreshTtlSeconds: number;
}

const usernameTaken = (cause?: unknown) =>
  new ConflictError('a username in the batch is taken', { code: 'username-taken', cause });
const unavailable = (cause: unknown) =>
  new UnavailableError('registration could not be completed; try again', { code: 'registration-unavailable', cause });

export function createBulkRegistration(options: BulkRegistrationOptions) {
  const { database, users } = options;
  return async function registerMany(inputs: readonly RegistrationInput[]): Promise<Registration[]> {
    const names = new Set(inputs.map((input) => input.username.toLowerCase()));
    if (names.size < inputs.length) throw usernameTaken();
    // Each password its own salt and hash (libuv's pool runs them side by side).
    const hashes = await Promise.all(inputs.map((input) => options.passwords.hash(input.password)));
    const userIds = await Promise.all(
      inputs.map(() => options.ids.nextString(Math.floor(Math.random() * LOGICAL_SHARDS))),
    );
    try {
      await insertPendingCredentials(
        database.db,
        inputs.map((input, index) => ({
          userId: userIds[index] as string,
          username: input.username,
          passwordHash: hashes[index] as string,
        })),
      );
    } catch (error) {
      if (error instanceof UniqueViolationError && error.constraint !== 'credentials_pkey') throw usernameTaken(error);
      throw error;
    }

    let profiles: UserProfile[];
    try {
      profiles = await users.createProfiles(
        inputs.map((input, index) => ({
          id: userIds[index] as string,
          username: input.username,
          ...(input.displayName === undefined ? {} : { displayName: input.displayName }),
        })),
      );
    } catch (error) {
      if (error instanceof UpstreamResponseError && error.status === 409) {
        // Nothing was created under our ids: drop the pending rows now.
        await deleteUnfinishedCredentials(database.db, userIds);
        if (error.problemCode === 'username-taken') throw usernameTaken(error);
        throw unavailable(error);
      }
      // Outcome unknown (a timeout): the pending rows stay for the recovery loop to compensate.
      throw unavailable(error);
    }

    const sessions = await Promise.all(
      inputs.map(async (input, index) => {
        const userId = userIds[index] as string;
        const sessionId = randomUUID();
        const access = await options.tokens.signAccessToken({ userId, username: input.username, sessionId });
        return { userId, sessionId, access, refreshToken: newRefreshToken() };
      }),
    );
    const expiresAt = new Date(Date.now() + options.refreshTtlSeconds * 1000);
    const activated = await database.transaction(async (trx) => {
      const active = await activateCredentials(trx, userIds);
      // A row the recovery loop claimed (this took longer than its stale age) is being compensated:
      // none of the batch may succeed then; the rollback leaves the rest pending for the loop as well.
      if (active.size !== userIds.length) return false;
      await createFamilies(
        trx,
        sessions.map((session) => ({
          id: session.sessionId,
          userId: session.userId,
          tokenDigest: refreshTokenDigest(session.refreshToken),
          expiresAt,
        })),
      );
      return true;
    });
    if (!activated) throw unavailable(new Error('registrations were compensated by the recovery loop'));
    return sessions.map((session, index) => ({
      user: profiles[index] as UserProfile,
      ...session.access,
      refreshToken: session.refreshToken,
    }));
  };
}
