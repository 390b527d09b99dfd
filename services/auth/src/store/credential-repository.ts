// Credentials: the login name, the password hash and the registration saga's state (ADR 0016).

import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { AuthDatabase, AuthTransaction, CredentialStatus } from './schema.ts';

type Db = Kysely<AuthDatabase> | AuthTransaction;

export interface Credential {
  userId: string;
  username: string;
  passwordHash: string;
  status: CredentialStatus;
}

const columns = ['user_id', 'username', 'password_hash', 'status'] as const;

function toCredential(row: { user_id: string; username: string; password_hash: string; status: CredentialStatus }) {
  return { userId: row.user_id, username: row.username, passwordHash: row.password_hash, status: row.status };
}

/** Step 2 of the saga. Throws UniqueViolationError when the username (any case) is taken. */
export async function insertPendingCredential(
  db: Db,
  row: { userId: string; username: string; passwordHash: string },
): Promise<void> {
  await db
    .insertInto('credentials')
    .values({ user_id: row.userId, username: row.username, password_hash: row.passwordHash, status: 'pending' })
    .execute();
}

/** Case-insensitive lookup by login name. */
export async function findCredentialByUsername(db: Db, username: string): Promise<Credential | undefined> {
  const row = await db
    .selectFrom('credentials')
    .select(columns)
    .where(sql<string>`lower(username)`, '=', username.toLowerCase())
    .executeTakeFirst();
  return row && toCredential(row);
}

/** Locks the row for the rest of the transaction (password change). */
export async function lockCredential(trx: AuthTransaction, userId: string): Promise<Credential | undefined> {
  const row = await trx
    .selectFrom('credentials')
    .select(columns)
    .where('user_id', '=', userId)
    .forUpdate()
    .executeTakeFirst();
  return row && toCredential(row);
}

/**
 * Saga step 4: pending → active. Returns false when the row is no longer pending — the recovery
 * loop claimed it for compensation, so the profile is being deleted and the saga must not succeed.
 */
export async function activateCredential(trx: AuthTransaction, userId: string): Promise<boolean> {
  const result = await trx
    .updateTable('credentials')
    .set({ status: 'active', updated_at: sql`now()` })
    .where('user_id', '=', userId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Marks a pending registration as needing compensation; false when it is not pending any more. */
export async function markCompensating(db: Db, userId: string): Promise<boolean> {
  const result = await db
    .updateTable('credentials')
    .set({ status: 'compensating', updated_at: sql`now()` })
    .where('user_id', '=', userId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Removes an unfinished registration (never an active account). */
export async function deleteUnfinishedCredential(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('credentials').where('user_id', '=', userId).where('status', '<>', 'active').execute();
}

/**
 * The recovery loop's claim: every unfinished registration untouched for `staleAfterMs` becomes
 * `compensating` with a fresh `updated_at` (so a second replica's loop leaves it alone for another
 * period) and is returned. One statement, so two replicas never claim the same row at once.
 */
export async function claimStaleRegistrations(db: Db, staleAfterMs: number, limit: number): Promise<string[]> {
  // The database's clock, like the `now()` that wrote updated_at, so replicas' clock skew does not matter.
  const cutoff = sql<Date>`now() - ${staleAfterMs} * interval '1 millisecond'`;
  const rows = await db
    .updateTable('credentials')
    .set({ status: 'compensating', updated_at: sql`now()` })
    .where((eb) =>
      eb(
        'user_id',
        'in',
        eb
          .selectFrom('credentials')
          .select('user_id')
          .where('status', '<>', 'active')
          .where('updated_at', '<', cutoff)
          .orderBy('updated_at')
          .limit(limit)
          .forUpdate()
          .skipLocked(),
      ),
    )
    .returning('user_id')
    .execute();
  return rows.map((row) => row.user_id);
}

export async function updatePasswordHash(trx: AuthTransaction, userId: string, passwordHash: string): Promise<void> {
  await trx
    .updateTable('credentials')
    .set({ password_hash: passwordHash, updated_at: sql`now()` })
    .where('user_id', '=', userId)
    .execute();
}
