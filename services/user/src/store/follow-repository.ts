// The follow graph: one row per edge in `follows`, counters on `users` kept exact in the same
// transaction (docs/adr/0017-follow-graph-association-table.md).
import { isId } from '@scalegram/contracts/ids';
import { type Kysely, sql } from 'kysely';
import type { UserDatabase } from './schema.ts';

type Db = Kysely<UserDatabase>;

/**
 * Locks the given users' rows FOR KEY SHARE (what a foreign key check takes) and returns the ids that
 * exist. A concurrent delete of one of them waits for us, so the edge we insert next cannot dangle;
 * follows of the same user do not block each other.
 */
export async function lockExistingUsers(trx: Db, ids: readonly string[]): Promise<Set<string>> {
  // An id beyond bigint's range cannot exist (and must not reach the database as a bad value).
  const storable = ids.filter(isId);
  if (storable.length === 0) return new Set();
  const rows = await trx
    .selectFrom('users')
    .select('id')
    .where('id', 'in', storable)
    .orderBy('id')
    .forKeyShare()
    .execute();
  return new Set(rows.map((row) => row.id));
}

/** Inserts the edge; true when it is new, false when it already existed (nothing changed). */
export async function insertFollow(trx: Db, followerId: string, followeeId: string): Promise<boolean> {
  const inserted = await trx
    .insertInto('follows')
    .values({ follower_id: followerId, followee_id: followeeId })
    .onConflict((conflict) => conflict.columns(['follower_id', 'followee_id']).doNothing())
    .returning('follower_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Removes the edge; true when it existed. */
export async function deleteFollow(trx: Db, followerId: string, followeeId: string): Promise<boolean> {
  const deleted = await trx
    .deleteFrom('follows')
    .where('follower_id', '=', followerId)
    .where('followee_id', '=', followeeId)
    .returning('follower_id')
    .executeTakeFirst();
  return deleted !== undefined;
}

/**
 * Adds `delta` to the follower's following_count and the followee's follower_count. The two rows are
 * updated in id order, so that "A follows B" and "B follows A" running at once lock them in the same
 * order and cannot deadlock.
 */
export async function adjustFollowCounts(trx: Db, followerId: string, followeeId: string, delta: 1 | -1) {
  const updates = [
    { id: followerId, column: 'following_count' as const },
    { id: followeeId, column: 'follower_count' as const },
  ].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  for (const { id, column } of updates) {
    await trx
      .updateTable('users')
      .set({ [column]: sql<string>`${sql.ref(column)} + ${delta}` })
      .where('id', '=', id)
      .execute();
  }
}

export interface EdgePosition {
  createdAt: Date;
  userId: string;
}

export interface EdgeRow {
  id: string;
  username: string;
  display_name: string;
  avatar_media_id: string | null;
  edge_created_at: Date;
}

/**
 * One page of a user's followers (direction 'followers') or followees ('following'), newest edge
 * first, strictly after `after`. Keyset pagination on (created_at, other user's id): a page is one
 * index range scan, and edges added while a client pages never shift or repeat what it has seen.
 */
export function listEdges(
  db: Db,
  direction: 'followers' | 'following',
  userId: string,
  limit: number,
  after: EdgePosition | undefined,
): Promise<EdgeRow[]> {
  const [self, other] =
    direction === 'followers' ? (['followee_id', 'follower_id'] as const) : (['follower_id', 'followee_id'] as const);
  let query = db
    .selectFrom('follows')
    .innerJoin('users', 'users.id', `follows.${other}`)
    .select(['users.id', 'users.username', 'users.display_name', 'users.avatar_media_id'])
    .select('follows.created_at as edge_created_at')
    .where(`follows.${self}`, '=', userId);
  if (after !== undefined) {
    query = query.where((eb) =>
      eb(eb.refTuple('follows.created_at', `follows.${other}`), '<', eb.tuple(after.createdAt, after.userId)),
    );
  }
  return query.orderBy('follows.created_at', 'desc').orderBy(`follows.${other}`, 'desc').limit(limit).execute();
}
