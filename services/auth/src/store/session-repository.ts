// Sessions are refresh-token families. Every operation on a family first locks its row
// (SELECT ... FOR UPDATE), so a rotation, a reuse detection, a logout and a password change on the
// same session run one after another, never interleaved (ADR 0015).

import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { AuthDatabase, AuthTransaction, RevokeReason } from './schema.ts';

type Db = Kysely<AuthDatabase> | AuthTransaction;

export async function createFamily(
  trx: AuthTransaction,
  family: { id: string; userId: string; tokenDigest: Buffer; expiresAt: Date },
): Promise<void> {
  await trx.insertInto('refresh_families').values({ id: family.id, user_id: family.userId }).execute();
  await insertToken(trx, family.id, family.tokenDigest, family.expiresAt);
}

export async function insertToken(trx: AuthTransaction, familyId: string, digest: Buffer, expiresAt: Date) {
  await trx
    .insertInto('refresh_tokens')
    .values({ token_hash: digest, family_id: familyId, expires_at: expiresAt })
    .execute();
}

export interface PresentedToken {
  familyId: string;
  userId: string;
  username: string;
  usedAt: Date | null;
  expiresAt: Date;
  familyRevokedAt: Date | null;
}

/** Finds a token by digest and locks its family; undefined when the digest is unknown. */
export async function lockTokenFamily(trx: AuthTransaction, digest: Buffer): Promise<PresentedToken | undefined> {
  const token = await trx
    .selectFrom('refresh_tokens')
    .select(['family_id', 'used_at', 'expires_at'])
    .where('token_hash', '=', digest)
    .executeTakeFirst();
  if (token === undefined) return undefined;
  const family = await trx
    .selectFrom('refresh_families')
    .innerJoin('credentials', 'credentials.user_id', 'refresh_families.user_id')
    .select(['refresh_families.user_id', 'refresh_families.revoked_at', 'credentials.username'])
    .where('refresh_families.id', '=', token.family_id)
    .forUpdate('refresh_families')
    .executeTakeFirst();
  if (family === undefined) return undefined;
  // Re-read after taking the lock: a concurrent rotation may have used this token meanwhile.
  const current = await trx
    .selectFrom('refresh_tokens')
    .select('used_at')
    .where('token_hash', '=', digest)
    .executeTakeFirstOrThrow();
  return {
    familyId: token.family_id,
    userId: family.user_id,
    username: family.username,
    usedAt: current.used_at,
    expiresAt: token.expires_at,
    familyRevokedAt: family.revoked_at,
  };
}

export async function markTokenUsed(trx: AuthTransaction, digest: Buffer): Promise<void> {
  await trx.updateTable('refresh_tokens').set({ used_at: sql`now()` }).where('token_hash', '=', digest).execute();
}

/** Revokes a family and every token in it. Idempotent: an already revoked family keeps its first reason. */
export async function revokeFamily(trx: AuthTransaction, familyId: string, reason: RevokeReason): Promise<void> {
  await trx
    .updateTable('refresh_families')
    .set({ revoked_at: sql`now()`, revoke_reason: reason })
    .where('id', '=', familyId)
    .where('revoked_at', 'is', null)
    .execute();
  await trx
    .updateTable('refresh_tokens')
    .set({ revoked_at: sql`now()` })
    .where('family_id', '=', familyId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** The user's live families, locked, except `keep` (the caller's own session). */
export async function lockOtherFamilies(trx: AuthTransaction, userId: string, keep: string): Promise<string[]> {
  const rows = await trx
    .selectFrom('refresh_families')
    .select('id')
    .where('user_id', '=', userId)
    .where('id', '<>', keep)
    .where('revoked_at', 'is', null)
    .orderBy('id')
    .forUpdate()
    .execute();
  return rows.map((row) => row.id);
}

/** When the user's family was revoked: null while live, undefined when it is not a family of this user. */
export async function familyRevokedAt(db: Db, familyId: string, userId: string): Promise<Date | null | undefined> {
  const row = await db
    .selectFrom('refresh_families')
    .select('revoked_at')
    .where('id', '=', familyId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row === undefined ? undefined : row.revoked_at;
}
