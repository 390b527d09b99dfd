// The user-search query: three index range scans, each stopped by its LIMIT, merged and ranked.
//   rank 0 — the username equal to the query   (users_username_lower_key)
//   rank 1 — usernames starting with it         (users_username_prefix, in index order)
//   rank 2 — display names starting with it     (users_display_name_prefix, in index order)
// A user found by several branches keeps its best rank. Within a rank, results come in the index's order
// (byte order of the lower-cased value: "ali" before "alice" before "alicia"), then by id.
// Why this fetches enough: the username branch takes limit + 1 rows (its first row may be the exact
// match, already counted), the display-name branch limit rows; whatever overlaps, the union still holds
// the best `limit` users. lower() runs on both sides in SQL, so the folding is the database's own on the
// indexed value and on the query alike; the planner folds `lower($1) || '%'` into a constant prefix.
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { UserDatabase } from './schema.ts';

export interface UserSearchRow {
  id: string;
  username: string;
  display_name: string;
  avatar_media_id: string | null;
}

/** Escapes LIKE's wildcards (`_` is legal in usernames) so the query matches literally. */
export function likePrefix(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

/** The statement itself, apart from its execution so that tests can EXPLAIN exactly this. */
export function userSearchQuery(text: string, limit: number): RawBuilder<UserSearchRow> {
  const prefix = likePrefix(text);
  return sql<UserSearchRow>`
    with matches as (
      (select id, 0 as rank, lower(username) collate "C" as sort_key
         from users where lower(username) = lower(${text}) limit 1)
      union all
      (select id, 1, lower(username) collate "C"
         from users where lower(username) collate "C" like lower(${prefix}) || '%' escape '\\'
         order by lower(username) collate "C" limit ${limit + 1})
      union all
      (select id, 2, lower(display_name) collate "C"
         from users where lower(display_name) collate "C" like lower(${prefix}) || '%' escape '\\'
         order by lower(display_name) collate "C" limit ${limit})
    ),
    best as (select distinct on (id) id, rank, sort_key from matches order by id, rank)
    select u.id, u.username, u.display_name, u.avatar_media_id
      from best join users u on u.id = best.id
     order by best.rank, best.sort_key, u.id
     limit ${limit}`;
}

export async function searchUsers(db: Kysely<UserDatabase>, text: string, limit: number): Promise<UserSearchRow[]> {
  return (await userSearchQuery(text, limit).execute(db)).rows;
}
