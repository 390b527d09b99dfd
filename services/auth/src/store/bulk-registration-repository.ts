// The multi-row versions of the registration saga's writes (bulk registration, ADR 0041): the same rows
// as credential-repository.ts and session-repository.ts write one at a time.

import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { AuthDatabase, AuthTransaction } from './schema.ts';

type Db = Kysely<AuthDatabase> | AuthTransaction;

/** Step 2 for many: one statement, so a taken username leaves nothing behind (UniqueViolationError). */
export async function insertPendingCredentials(
  db: Db,
  rows: readonly { userId: string; username: string; passwordHash: string }[],
): Promise<void> {
  await db
    .insertInto('credentials')
    .values(
      rows.map((row) => ({
        user_id: row.userId,
        username: row.username,
        password_hash: row.passwordHash,
        status: 'pending' as const,
      })),
    )
    .execute();
}

/** Step 4 for many: pending → active; returns the ids activated (a row the recovery loop claimed is not). */
export async function activateCredentials(trx: AuthTransaction, userIds: readonly string[]): Promise<Set<string>> {
  const rows = await trx
    .updateTable('credentials')
    .set({ status: 'active', updated_at: sql`now()` })
    .where('user_id', 'in', userIds)
    .where('status', '=', 'pending')
    .returning('user_id')
    .execute();
  return new Set(rows.map((row) => row.user_id));
}

/** Removes unfinished registrations (never an active account). */
export async function deleteUnfinishedCredentials(db: Db, userIds: readonly string[]): Promise<void> {
  await db.deleteFrom('credentials').where('user_id', 'in', userIds).where('status', '<>', 'active').execute();
}

/** Each session's family and first refresh token, two statements for all of them. */
export async function createFamilies(
  trx: AuthTransaction,
  families: readonly { id: string; userId: string; tokenDigest: Buffer; expiresAt: Date }[],
): Promise<void> {
  await trx
    .insertInto('refresh_families')
    .values(families.map((family) => ({ id: family.id, user_id: family.userId })))
    .execute();
  await trx
    .insertInto('refresh_tokens')
    .values(
      families.map((family) => ({
        token_hash: family.tokenDigest,
        family_id: family.id,
        expires_at: family.expiresAt,
      })),
    )
    .execute();
}
