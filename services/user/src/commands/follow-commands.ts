// Follow and unfollow. The actor is always the caller (the token's subject): no route lets anyone
// change another user's follows. Counters change only when an edge was really inserted or deleted,
// in the same transaction, so they stay equal to COUNT(*) of the edges under any concurrency.
import { NotFoundError } from '@scalegram/contracts/errors';
import { enqueueUserFollowed, enqueueUserUnfollowed } from '../events/user-event-outbox.ts';
import { adjustFollowCounts, deleteFollow, insertFollow, lockExistingUsers } from '../store/follow-repository.ts';
import { retryOnConflict } from '../store/retry-transaction.ts';
import type { UserContext } from '../user-context.ts';

/** Thrown when a user tries to follow themselves (the table's CHECK would refuse it too). */
export class SelfFollowError extends Error {
  override name = 'SelfFollowError';
}

const unknownUser = (id: string) => new NotFoundError(`user ${id} does not exist`, { code: 'user-not-found' });

/** Returns true when a new edge was created, false when the caller already followed the user. */
export async function follow(context: UserContext, followerId: string, followeeId: string): Promise<boolean> {
  if (followerId === followeeId) throw new SelfFollowError('a user cannot follow themselves');
  const created = await retryOnConflict(() =>
    context.database.transaction(async (trx) => {
      const existing = await lockExistingUsers(trx, [followerId, followeeId]);
      if (!existing.has(followeeId)) throw unknownUser(followeeId);
      if (!existing.has(followerId)) {
        throw new NotFoundError('your profile does not exist', { code: 'profile-not-found' });
      }
      if (!(await insertFollow(trx, followerId, followeeId))) return false;
      await adjustFollowCounts(trx, followerId, followeeId, 1);
      await enqueueUserFollowed(trx, { followerId, followeeId });
      return true;
    }),
  );
  if (created) await context.cache.invalidate([followerId, followeeId]);
  return created;
}

/** Returns true when an edge was removed, false when the caller did not follow the user. */
export async function unfollow(context: UserContext, followerId: string, followeeId: string): Promise<boolean> {
  if (followerId === followeeId) throw new SelfFollowError('a user cannot follow themselves');
  const removed = await retryOnConflict(() =>
    context.database.transaction(async (trx) => {
      const existing = await lockExistingUsers(trx, [followerId, followeeId]);
      if (!existing.has(followeeId)) throw unknownUser(followeeId);
      if (!(await deleteFollow(trx, followerId, followeeId))) return false;
      await adjustFollowCounts(trx, followerId, followeeId, -1);
      await enqueueUserUnfollowed(trx, { followerId, followeeId });
      return true;
    }),
  );
  if (removed) await context.cache.invalidate([followerId, followeeId]);
  return removed;
}
