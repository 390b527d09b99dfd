// User search: what the client typed → the best matching users (see store/user-search-repository.ts).
import type { UserSummary } from '@scalegram/contracts/users';
import { toSummary } from '../domain/profile.ts';
import { searchUsers as findMatches } from '../store/user-search-repository.ts';
import type { UserContext } from '../user-context.ts';

/** Surrounding spaces and one leading `@` (people type "@alice") are not part of the search. */
export function searchText(q: string): string {
  return q.trim().replace(/^@/, '').trim();
}

export async function searchUsers(context: UserContext, q: string, limit: number): Promise<UserSummary[]> {
  const text = searchText(q);
  if (text === '') return [];
  const rows = await findMatches(context.database.db, text, limit);
  return rows.map(toSummary);
}
