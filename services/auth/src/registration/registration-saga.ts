// Registration is a saga across two services, each with its own database (ADR 0016):
//   1. (route) validate, throttle per address
//   2. auth:  credentials row, status `pending`
//   3. user:  PUT /internal/users/:id           (idempotent: safe to retry after a timeout)
//   4. auth:  `pending` → `active` + the first session, in one transaction
// A failure after step 2 is compensated: DELETE /internal/users/:id, then the credentials row.
// Whatever is left half-done (compensation failed, the process crashed between steps, a PUT that
// timed out but may still land) stays as a non-active row, which the recovery loop compensates once
// it is older than `staleAfterMs`. So neither an orphan profile nor orphan credentials survive.
import { ConflictError, UnavailableError } from '@scalegram/contracts/errors';
import type { UserProfile } from '@scalegram/contracts/users';
import { UpstreamResponseError } from '@scalegram/kit/upstream-errors';
import { UniqueViolationError } from '@scalegram/relational/errors';
import type { IdGenerator } from '@scalegram/relational/id-generator';
import { LOGICAL_SHARDS } from '@scalegram/relational/id-generator';
import type { RelationalDatabase } from '@scalegram/relational/port';
import type { FastifyBaseLogger } from 'fastify';
import type { PasswordHasher } from '../domain/password-hasher.ts';
import type { SessionService, TokenPair } from '../sessions/session-service.ts';
import {
  activateCredential,
  claimStaleRegistrations,
  deleteUnfinishedCredential,
  insertPendingCredential,
  markCompensating,
} from '../store/credential-repository.ts';
import type { AuthDatabase } from '../store/schema.ts';
import type { UserDirectory } from './user-directory.ts';

export interface RegistrationInput {
  username: string;
  password: string;
  displayName?: string | undefined;
}

export interface Registration extends TokenPair {
  user: UserProfile;
}

export interface RecoveryReport {
  compensated: number;
  failed: number;
}

export interface RegistrationSaga {
  register(input: RegistrationInput): Promise<Registration>;
  /** One pass of the recovery loop: compensates unfinished registrations older than staleAfterMs. */
  recoverStale(): Promise<RecoveryReport>;
}

export interface RegistrationSagaOptions {
  database: RelationalDatabase<AuthDatabase>;
  users: UserDirectory;
  passwords: PasswordHasher;
  sessions: SessionService;
  ids: IdGenerator;
  log: FastifyBaseLogger;
  staleAfterMs: number;
}

const usernameTaken = () => new ConflictError('the username is taken', { code: 'username-taken' });
const unavailable = (cause: unknown) =>
  new UnavailableError('registration could not be completed; try again', { code: 'registration-unavailable', cause });

/** Step 3 failures whose outcome is known: the user service answered and did not create the profile. */
function isDefinitive(error: unknown): error is UpstreamResponseError {
  return error instanceof UpstreamResponseError;
}

export function createRegistrationSaga(options: RegistrationSagaOptions): RegistrationSaga {
  const { database, users, log } = options;
  const db = database.db;

  async function compensate(userId: string, outcomeKnown: boolean): Promise<void> {
    // Claim the row first: from now on step 4 can no longer activate it.
    await markCompensating(db, userId);
    try {
      await users.deleteProfile(userId);
    } catch (error) {
      log.warn({ err: error, userId }, 'registration compensation failed; the recovery loop will retry');
      return;
    }
    // After a timeout or a dropped connection our PUT may still be in flight and land after this
    // DELETE; the row then stays `compensating` and the recovery loop deletes the profile once more
    // when it is stale. After a definite answer nothing is in flight, so the row can go now.
    if (outcomeKnown) await deleteUnfinishedCredential(db, userId);
  }

  return {
    async register({ username, password, displayName }) {
      const passwordHash = await options.passwords.hash(password);
      const userId = await options.ids.nextString(Math.floor(Math.random() * LOGICAL_SHARDS));
      try {
        await insertPendingCredential(db, { userId, username, passwordHash });
      } catch (error) {
        if (error instanceof UniqueViolationError && error.constraint !== 'credentials_pkey') throw usernameTaken();
        throw error;
      }

      let user: UserProfile;
      try {
        user = await users.createProfile(userId, { username, displayName });
      } catch (error) {
        if (isDefinitive(error) && error.status === 409) {
          // Nothing was created under our id: drop the pending row. (`user-id-conflict` means the id
          // is someone else's — never DELETE it; the client may simply retry and get a new id.)
          await deleteUnfinishedCredential(db, userId);
          if (error.problemCode === 'username-taken') throw usernameTaken();
          throw unavailable(error);
        }
        await compensate(userId, isDefinitive(error));
        throw unavailable(error);
      }

      const session = await options.sessions.prepare({ userId, username });
      const outcome = await database.transaction(async (trx) => {
        if (!(await activateCredential(trx, userId))) return undefined;
        return options.sessions.commit(session, trx);
      });
      if (outcome === undefined) {
        // The recovery loop claimed the row (this saga took longer than staleAfterMs) and is deleting the profile.
        throw unavailable(new Error('registration was compensated by the recovery loop'));
      }
      return { user, ...outcome };
    },

    async recoverStale() {
      const claimed = await claimStaleRegistrations(db, options.staleAfterMs, 50);
      let compensated = 0;
      for (const userId of claimed) {
        try {
          await users.deleteProfile(userId);
          await deleteUnfinishedCredential(db, userId);
          compensated++;
        } catch (error) {
          // The claim refreshed updated_at, so this row is retried after another staleAfterMs.
          log.warn({ err: error, userId }, 'registration recovery failed; will retry');
        }
      }
      if (claimed.length > 0) log.info({ compensated, failed: claimed.length - compensated }, 'registration recovery');
      return { compensated, failed: claimed.length - compensated };
    },
  };
}
