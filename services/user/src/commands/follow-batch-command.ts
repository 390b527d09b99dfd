// Follows in bulk for a trusted caller (the seeder, with a service token): the same rows, counters and
// `user.followed` events as the same follows made one by one through PUT /users/:id/follow — one outbox
// row per new edge — in one transaction. All or nothing: an unknown user or a self-follow anywhere in
// the batch refuses the whole batch (docs/adr/0041-seeding-through-bulk-internal-routes.md).
import { NotFoundError } from '@scalegram/contracts/errors';
import { createEvent } from '@scalegram/contracts/events';
import { USER_EVENT_SOURCE, UserEventType } from '@scalegram/contracts/user-events';
import { enqueueEvents } from '@scalegram/relational/outbox';
import { addFollowCounts, type Edge, insertFollows } from '../store/follow-batch-repository.ts';
import { lockExistingUsers } from '../store/follow-repository.ts';
import { retryOnConflict } from '../store/retry-transaction.ts';
import type { UserContext } from '../user-context.ts';
import { SelfFollowError } from './follow-commands.ts';

export interface FollowBatchResult {
  /** Edges that did not exist before. */
  created: number;
  /** Edges that existed already (or were repeated in the batch): nothing changed for them. */
  existing: number;
}

export async function followMany(context: UserContext, edges: readonly Edge[]): Promise<FollowBatchResult> {
  const distinct = new Map<string, Edge>();
  for (const [index, edge] of edges.entries()) {
    if (edge.followerId === edge.followeeId) {
      throw new SelfFollowError(`follows/${index}: a user cannot follow themselves`);
    }
    distinct.set(`${edge.followerId}:${edge.followeeId}`, edge);
  }
  const unique = [...distinct.values()];
  const created = await retryOnConflict(() =>
    context.database.transaction(async (trx) => {
      const ids = [...new Set(unique.flatMap((edge) => [edge.followerId, edge.followeeId]))];
      const existing = await lockExistingUsers(trx, ids);
      const missing = ids.find((id) => !existing.has(id));
      if (missing !== undefined) {
        throw new NotFoundError(`user ${missing} does not exist`, { code: 'user-not-found' });
      }
      const fresh = await insertFollows(trx, unique);
      await addFollowCounts(trx, fresh);
      // One event per new edge, exactly as the single follow writes it (subject: the follower).
      await enqueueEvents(
        trx,
        fresh.map((edge) =>
          createEvent({
            type: UserEventType.followed,
            source: USER_EVENT_SOURCE,
            subject: edge.followerId,
            data: { followerId: edge.followerId, followeeId: edge.followeeId },
          }),
        ),
        { subject: UserEventType.followed },
      );
      return fresh;
    }),
  );
  if (created.length > 0) {
    await context.cache.invalidate([...new Set(created.flatMap((edge) => [edge.followerId, edge.followeeId]))]);
  }
  return { created: created.length, existing: edges.length - created.length };
}
