// Who a `@username` is: this service's projection of the USERS stream (user.registered, user.deleted).
// Usernames never change after registration (user.updated carries none), so registration is all it needs.
// Users registered before the stream's retention window and before this service first consumed it are
// unknown here: see docs/adr (mentions resolved from a projection).
import type { RelationalDatabase } from '@scalegram/relational/port';
import type { NotificationDatabase } from './schema.ts';

type Database = RelationalDatabase<NotificationDatabase>;

export async function rememberUser(database: Database, userId: string, username: string): Promise<void> {
  const key = username.toLowerCase();
  await database.transaction(async (trx) => {
    // A username freed by a deleted user we never heard about can be taken by someone new.
    await trx.deleteFrom('known_users').where('username', '=', key).where('user_id', '<>', userId).execute();
    await trx
      .insertInto('known_users')
      .values({ user_id: userId, username: key })
      .onConflict((conflict) => conflict.column('user_id').doUpdateSet({ username: key }))
      .execute();
  });
}

/** The ids of the usernames the projection knows (lower-cased keys). */
export async function resolveUsernames(database: Database, usernames: readonly string[]): Promise<Map<string, string>> {
  if (usernames.length === 0) return new Map();
  const rows = await database.db
    .selectFrom('known_users')
    .select(['user_id', 'username'])
    .where(
      'username',
      'in',
      usernames.map((name) => name.toLowerCase()),
    )
    .execute();
  return new Map(rows.map((row) => [row.username, String(row.user_id)]));
}
