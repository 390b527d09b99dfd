// The newest posts of many authors. Authors are grouped by the shard holding their posts; each shard
// answers with ONE query: a lateral join that walks the (author_id, id desc) index once per author and
// stops after `limitPerAuthor` rows, so a prolific author costs no more than a quiet one.
import type { RecentPostRef } from '@scalegram/contracts/feed';
import type { RelationalDatabase } from '@scalegram/relational/port';
import { sql } from 'kysely';
import type { PostContext } from '../post-context.ts';
import type { PostDatabase } from './schema.ts';

interface RecentRow {
  id: string;
  author_id: string;
  created_at: Date | string;
}

export async function recentPostsByAuthors(
  context: PostContext,
  authorIds: readonly string[],
  limitPerAuthor: number,
): Promise<RecentPostRef[]> {
  const byDatabase = new Map<RelationalDatabase<PostDatabase>, string[]>();
  for (const authorId of authorIds) {
    const database = context.router.databaseForUser(authorId);
    byDatabase.set(database, [...(byDatabase.get(database) ?? []), authorId]);
  }
  const results = await Promise.all(
    [...byDatabase].map(async ([database, ids]) => {
      const { rows } = await sql<RecentRow>`
        select p.id, p.author_id, p.created_at
        from unnest(${sql.val(ids)}::bigint[]) as a(author_id)
        cross join lateral (
          select id, author_id, created_at from posts
          where posts.author_id = a.author_id
          order by id desc
          limit ${limitPerAuthor}
        ) as p`.execute(database.db);
      return rows;
    }),
  );
  return results
    .flat()
    .sort((a, b) => compareIdsDesc(a.id, b.id))
    .map((row) => ({
      postId: String(row.id),
      authorId: String(row.author_id),
      createdAt: new Date(row.created_at).toISOString(),
    }));
}

function compareIdsDesc(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x === y ? 0 : x > y ? -1 : 1;
}
