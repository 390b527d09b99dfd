// Writes to profiles: each one changes the row and enqueues its event in one transaction, then —
// only after the commit — invalidates the cached copies (ADR 0018).
import { ConflictError, NotFoundError } from '@scalegram/contracts/errors';
import type { UserProfile } from '@scalegram/contracts/users';
import { UniqueViolationError } from '@scalegram/relational/errors';
import { initialDisplayName, toProfile, usernameKey } from '../domain/profile.ts';
import { enqueueUserDeleted, enqueueUserRegistered, enqueueUserUpdated } from '../events/user-event-outbox.ts';
import { retryOnConflict } from '../store/retry-transaction.ts';
import { deleteUser, findUser, insertUser, type ProfileChanges, updateUser } from '../store/user-repository.ts';
import type { UserContext } from '../user-context.ts';

export interface CreateUserInput {
  id: string;
  username: string;
  displayName?: string | undefined;
}

export interface CreateUserResult {
  created: boolean;
  profile: UserProfile;
}

/** The answer for an id that already exists: an idempotent replay if it is the same user, else 409. */
async function existingUser(context: UserContext, input: CreateUserInput): Promise<CreateUserResult | undefined> {
  const row = await findUser(context.database.db, input.id);
  if (row === undefined) return undefined;
  if (row.username !== input.username) {
    throw new ConflictError(`user ${input.id} exists with another username`, { code: 'user-id-conflict' });
  }
  return { created: false, profile: toProfile(row) };
}

/**
 * The registration saga's step (called by auth with an id it generated). Idempotent: replaying the
 * same id and username answers the existing profile, so auth may retry after a timeout.
 */
export async function createUser(context: UserContext, input: CreateUserInput): Promise<CreateUserResult> {
  const replay = await existingUser(context, input);
  if (replay !== undefined) return replay;
  try {
    const row = await context.database.transaction(async (trx) => {
      const inserted = await insertUser(trx, {
        id: input.id,
        username: input.username,
        displayName: initialDisplayName(input.username, input.displayName),
      });
      await enqueueUserRegistered(trx, {
        userId: inserted.id,
        username: inserted.username,
        displayName: inserted.display_name,
      });
      return inserted;
    });
    return { created: true, profile: toProfile(row) };
  } catch (error) {
    if (!(error instanceof UniqueViolationError)) throw error;
    // Lost a race. If it was against the same id (a retry racing the original), decide as for a
    // replay — whichever unique index Postgres happened to check first; otherwise the name is taken.
    const raced = await existingUser(context, input);
    if (raced !== undefined) return raced;
    throw new ConflictError(`username ${input.username} is taken`, { code: 'username-taken', cause: error });
  }
}

export async function updateProfile(context: UserContext, id: string, changes: ProfileChanges): Promise<UserProfile> {
  const row = await context.database.transaction(async (trx) => {
    const updated = await updateUser(trx, id, changes);
    if (updated === undefined) return undefined;
    await enqueueUserUpdated(trx, {
      userId: updated.id,
      displayName: updated.display_name,
      bio: updated.bio,
      avatarMediaId: updated.avatar_media_id,
    });
    return updated;
  });
  if (row === undefined) throw new NotFoundError('your profile does not exist', { code: 'profile-not-found' });
  await context.cache.invalidate([id]);
  return toProfile(row);
}

/**
 * Removes a user, their follow edges and the counters those edges contributed to; the saga's
 * compensation. Idempotent: deleting a missing user changes nothing.
 */
export async function removeUser(context: UserContext, id: string): Promise<boolean> {
  const removed = await retryOnConflict(() =>
    context.database.transaction(async (trx) => {
      const deleted = await deleteUser(trx, id);
      if (deleted !== undefined) await enqueueUserDeleted(trx, { userId: id });
      return deleted;
    }),
  );
  if (removed === undefined) return false;
  await context.cache.invalidate([id, ...removed.affectedIds], [usernameKey(removed.username)]);
  return true;
}
