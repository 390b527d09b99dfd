// Many follows in one transaction (the seeding path, ADR 0041): one multi-row insert of the edges and
// one counter update for every user they touch, instead of a transaction per edge. The rows written
// are the ones the same follows made one by one would write; follow-repository.ts holds the single
// edge versions.
import { type Kysely, sql } from 'kysely';
import type { UserDatabase } from './schema.ts';

type Db = Kysely<UserDatabase>;

export interface Edge {
  followerId: string;
  followeeId: string;
}

/** Inserts the edges; returns those that are new, in the order given (existing ones change nothing). */
export async function insertFollows(trx: Db, edges: readonly Edge[]): Promise<Edge[]> {
  if (edges.length === 0) return [];
  const inserted = await trx
    .insertInto('follows')
    .values(edges.map((edge) => ({ follower_id: edge.followerId, followee_id: edge.followeeId })))
    .onConflict((conflict) => conflict.columns(['follower_id', 'followee_id']).doNothing())
    .returning(['follower_id', 'followee_id'])
    .execute();
  const created = new Set(inserted.map((row) => `${row.follower_id}:${row.followee_id}`));
  return edges.filter((edge) => created.has(`${edge.followerId}:${edge.followeeId}`));
}

/**
 * Adds each new edge to its follower's following_count and its followee's follower_count: one UPDATE
 * for all users. Rows are locked in id order (the VALUES list is sorted and joined in that order, as the
 * single-edge path locks its two rows), so a concurrent follow cannot deadlock with it.
 */
export async function addFollowCounts(trx: Db, edges: readonly Edge[]): Promise<void> {
  const deltas = new Map<string, { following: number; followers: number }>();
  const delta = (id: string) => {
    const entry = deltas.get(id) ?? { following: 0, followers: 0 };
    deltas.set(id, entry);
    return entry;
  };
  for (const edge of edges) {
    delta(edge.followerId).following++;
    delta(edge.followeeId).followers++;
  }
  if (deltas.size === 0) return;
  const rows = [...deltas].sort(([a], [b]) => (BigInt(a) < BigInt(b) ? -1 : 1));
  // Lock first, in id order; the UPDATE then finds every row already locked by this transaction.
  await trx
    .selectFrom('users')
    .select('id')
    .where(
      'id',
      'in',
      rows.map(([id]) => id),
    )
    .orderBy('id')
    .forUpdate()
    .execute();
  const values = sql.join(
    rows.map(([id, d]) => sql`(${id}::bigint, ${d.following}::int, ${d.followers}::int)`),
    sql`, `,
  );
  await sql`
    update users set
      following_count = users.following_count + d.following,
      follower_count = users.follower_count + d.followers
    from (values ${values}) as d(id, following, followers)
    where users.id = d.id`.execute(trx);
}
