// Profiles in Postgres: plain functions over Kysely (a transaction or the pool).
import { isId } from '@scalegram/contracts/ids';
import type { Kysely } from 'kysely';
import { PROFILE_COLUMNS, type UserRow } from '../domain/profile.ts';
import type { UserDatabase } from './schema.ts';

type Db = Kysely<UserDatabase>;

// The Id schema admits 19-digit strings up to 10^19 - 1, beyond Postgres' bigint (2^63 - 1). Such an
// id cannot exist, so lookups answer "not found" without sending a value the database would reject.

export async function findUser(db: Db, id: string): Promise<UserRow | undefined> {
  if (!isId(id)) return undefined;
  return db.selectFrom('users').select(PROFILE_COLUMNS).where('id', '=', id).executeTakeFirst();
}

/** The id owning a username, compared case-insensitively (served by users_username_lower_key). */
export async function findUserIdByUsername(db: Db, usernameKey: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['username']), '=', usernameKey))
    .executeTakeFirst();
  return row?.id;
}

export async function findSummaries(db: Db, ids: readonly string[]) {
  const storable = ids.filter(isId);
  if (storable.length === 0) return [];
  return db
    .selectFrom('users')
    .select(['id', 'username', 'display_name', 'avatar_media_id'])
    .where('id', 'in', storable)
    .execute();
}

export interface NewUser {
  id: string;
  username: string;
  displayName: string;
}

export function insertUser(db: Db, user: NewUser): Promise<UserRow> {
  return db
    .insertInto('users')
    .values({ id: user.id, username: user.username, display_name: user.displayName, avatar_media_id: null })
    .returning(PROFILE_COLUMNS)
    .executeTakeFirstOrThrow();
}

export interface ProfileChanges {
  displayName?: string | undefined;
  bio?: string | undefined;
  /** null clears the avatar; undefined leaves it. */
  avatarMediaId?: string | null | undefined;
}

export function updateUser(db: Db, id: string, changes: ProfileChanges): Promise<UserRow | undefined> {
  return db
    .updateTable('users')
    .set((eb) => ({
      ...(changes.displayName === undefined ? {} : { display_name: changes.displayName }),
      ...(changes.bio === undefined ? {} : { bio: changes.bio }),
      ...(changes.avatarMediaId === undefined ? {} : { avatar_media_id: changes.avatarMediaId }),
      updated_at: eb.fn('now'),
    }))
    .where('id', '=', id)
    .returning(PROFILE_COLUMNS)
    .executeTakeFirst();
}

/**
 * Deletes a user and, through ON DELETE CASCADE, their follow edges — after correcting the counters of
 * everyone on the other side of those edges. Returns the username and the ids whose counts changed, or
 * undefined when the user did not exist. Must run in a transaction.
 */
export async function deleteUser(
  trx: Db,
  id: string,
): Promise<{ username: string; affectedIds: string[] } | undefined> {
  if (!isId(id)) return undefined;
  // FOR UPDATE waits for follows in flight to or from this user (they hold FOR KEY SHARE on the row)
  // and makes later ones wait for us, so no edge appears between the counter fix and the delete.
  const user = await trx.selectFrom('users').select('username').where('id', '=', id).forUpdate().executeTakeFirst();
  if (user === undefined) return undefined;
  const followees = await trx
    .updateTable('users')
    .set((eb) => ({ follower_count: eb('follower_count', '-', '1') }))
    .where('id', 'in', (eb) => eb.selectFrom('follows').select('followee_id').where('follower_id', '=', id))
    .returning('id')
    .execute();
  const followers = await trx
    .updateTable('users')
    .set((eb) => ({ following_count: eb('following_count', '-', '1') }))
    .where('id', 'in', (eb) => eb.selectFrom('follows').select('follower_id').where('followee_id', '=', id))
    .returning('id')
    .execute();
  await trx.deleteFrom('users').where('id', '=', id).execute();
  return { username: user.username, affectedIds: [...followees, ...followers].map((row) => row.id) };
}
