// Reads. Profiles are served cache-aside (ADR 0018); lists and batches go to Postgres.
import { NotFoundError } from '@scalegram/contracts/errors';
import { isId } from '@scalegram/contracts/ids';
import { decodeCursor, encodeCursor, type PageOf } from '@scalegram/contracts/pagination';
import type { UserProfile, UserSummary } from '@scalegram/contracts/users';
import { toProfile, toSummary, usernameKey } from '../domain/profile.ts';
import { type EdgePosition, listEdges } from '../store/follow-repository.ts';
import { findSummaries, findUser, findUserIdByUsername } from '../store/user-repository.ts';
import type { UserContext } from '../user-context.ts';

const unknownUser = (what: string) => new NotFoundError(`user ${what} does not exist`, { code: 'user-not-found' });

/** The profile from the cache, or from Postgres (then cached). */
export async function getProfile(context: UserContext, id: string): Promise<UserProfile> {
  const cached = await context.cache.get(id);
  if (cached !== undefined) return cached;
  const row = await findUser(context.database.db, id);
  if (row === undefined) throw unknownUser(id);
  const profile = toProfile(row);
  await context.cache.set(profile);
  return profile;
}

export async function getProfileByUsername(context: UserContext, username: string): Promise<UserProfile> {
  const key = usernameKey(username);
  let id = await context.cache.getIdByUsername(key);
  if (id === undefined) {
    id = await findUserIdByUsername(context.database.db, key);
    if (id === undefined) throw unknownUser(username);
    await context.cache.setIdByUsername(key, id);
  }
  return getProfile(context, id);
}

/** Summaries for hydration, in request order; unknown ids are left out. */
export async function getSummaries(context: UserContext, ids: readonly string[]): Promise<UserSummary[]> {
  const rows = await findSummaries(context.database.db, ids);
  const byId = new Map(rows.map((row) => [row.id, toSummary(row)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

// The cursor is the last edge of the page: its time (ms since epoch) and the other user's id, each
// checked by the decoder against what the columns hold, so a forged cursor is a 400.
const CURSOR_SHAPE = { t: 'epoch-ms', u: 'id' } as const;

function positionOf(cursor: string | undefined): EdgePosition | undefined {
  if (cursor === undefined) return undefined;
  const { t, u } = decodeCursor(cursor, CURSOR_SHAPE);
  return { createdAt: new Date(t), userId: u };
}

export async function listFollowEdges(
  context: UserContext,
  direction: 'followers' | 'following',
  userId: string,
  page: { cursor?: string | undefined; limit: number },
): Promise<PageOf<UserSummary>> {
  const after = positionOf(page.cursor);
  // An empty list and an unknown user look alike in the edge table; only the latter is a 404.
  if (!isId(userId) || (after === undefined && (await findUser(context.database.db, userId)) === undefined)) {
    throw unknownUser(userId);
  }
  // One extra row says whether another page exists, without a COUNT.
  const rows = await listEdges(context.database.db, direction, userId, page.limit + 1, after);
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  const nextCursor =
    rows.length > page.limit && last !== undefined
      ? encodeCursor({ t: last.edge_created_at.getTime(), u: last.id })
      : null;
  return { items: items.map(toSummary), nextCursor };
}
