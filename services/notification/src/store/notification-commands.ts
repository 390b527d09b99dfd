// Writing notifications. One event is applied in ONE transaction together with the record that it was
// applied (processed_events), so a redelivered event changes nothing. Every change of a user's
// notifications first locks that user's inbox row and takes the next inbox seq: one user's changes are
// serialized and commit in seq order, which is what lets a stream resume with "everything after seq X".
import { NotFoundError } from '@scalegram/contracts/errors';
import type { RelationalDatabase } from '@scalegram/relational/port';
import { sql, type Transaction } from 'kysely';
import { collapsePolicy, mergeActors } from '../domain/collapse-policy.ts';
import type { NotificationIntent } from '../domain/notification-intents.ts';
import { NOTIFICATION_COLUMNS, type NotificationChange, toChange } from './notification-rows.ts';
import type { NotificationDatabase } from './schema.ts';

type Trx = Transaction<NotificationDatabase>;

export interface ApplyOptions {
  followWindowMs: number;
}

export type ApplyResult =
  | { kind: 'applied'; changes: NotificationChange[] }
  /** Applied before: whom it was for, with their inbox's latest seq now. */
  | { kind: 'duplicate'; inboxes: { recipientId: string; lastSeq: string }[] };

const compareIds = (a: string, b: string) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0);

async function lockInbox(trx: Trx, userId: string): Promise<void> {
  // DO UPDATE (not DO NOTHING) so that an existing row is locked too.
  await trx
    .insertInto('notification_inboxes')
    .values({ user_id: userId })
    .onConflict((conflict) => conflict.column('user_id').doUpdateSet({ user_id: userId }))
    .execute();
}

async function nextSeq(trx: Trx, userId: string): Promise<string> {
  const row = await trx
    .updateTable('notification_inboxes')
    .set({ last_seq: sql`last_seq + 1` })
    .where('user_id', '=', userId)
    .returning('last_seq')
    .executeTakeFirstOrThrow();
  return String(row.last_seq);
}

async function applyIntent(
  trx: Trx,
  intent: NotificationIntent,
  options: ApplyOptions,
): Promise<NotificationChange | null> {
  const policy = collapsePolicy(intent, options.followWindowMs);
  const recipientId = intent.recipientId;

  if (policy.dedupeKey !== null) {
    const seen = await trx
      .selectFrom('notifications')
      .select('id')
      .where('user_id', '=', recipientId)
      .where('dedupe_key', '=', policy.dedupeKey)
      .executeTakeFirst();
    if (seen !== undefined) return null;
  }

  if (policy.collapseKey !== null) {
    let query = trx
      .selectFrom('notifications')
      .select(['id', 'actor_ids'])
      .where('user_id', '=', recipientId)
      .where('collapse_key', '=', policy.collapseKey)
      .where('read', '=', false);
    if (policy.windowMs !== null) {
      query = query.where('created_at', '>', new Date(Date.now() - policy.windowMs));
    }
    // FOR UPDATE: a concurrent "mark read" waits, so a new actor never lands in a notification that is
    // being marked read (that statement re-checks the seq after the wait and leaves it unread).
    const open = await query.orderBy('seq', 'desc').limit(1).forUpdate().executeTakeFirst();
    if (open !== undefined) {
      const added = await trx
        .insertInto('notification_actors')
        .values({ notification_id: open.id, actor_id: intent.actorId })
        .onConflict((conflict) =>
          conflict.columns(['notification_id', 'actor_id']).doUpdateSet({ acted_at: sql`now()` }),
        )
        .returning(sql<boolean>`xmax = 0`.as('inserted'))
        .executeTakeFirstOrThrow();
      // The same person again (like, unlike, like; a follow after an unfollow) is not news. A new
      // comment is, even from someone who commented before.
      if (!added.inserted && intent.type !== 'comment') return null;
      const seq = await nextSeq(trx, recipientId);
      const row = await trx
        .updateTable('notifications')
        .set({
          actor_ids: JSON.stringify(mergeActors(open.actor_ids.map(String), intent.actorId)),
          actor_count: added.inserted ? sql`actor_count + 1` : sql`actor_count`,
          comment_id: intent.commentId,
          seq,
          updated_at: sql`now()`,
        })
        .where('id', '=', open.id)
        .returning([...NOTIFICATION_COLUMNS])
        .executeTakeFirstOrThrow();
      return toChange(recipientId, row);
    }
  }

  const seq = await nextSeq(trx, recipientId);
  const row = await trx
    .insertInto('notifications')
    .values({
      user_id: recipientId,
      type: intent.type,
      post_id: intent.postId,
      comment_id: intent.commentId,
      actor_ids: JSON.stringify([intent.actorId]),
      actor_count: 1,
      seq,
      collapse_key: policy.collapseKey,
      dedupe_key: policy.dedupeKey,
    })
    .returning([...NOTIFICATION_COLUMNS])
    .executeTakeFirstOrThrow();
  await trx.insertInto('notification_actors').values({ notification_id: row.id, actor_id: intent.actorId }).execute();
  return toChange(recipientId, row);
}

/** Applies an event's intents once; a second call with the same event id changes nothing. */
export function applyNotificationEvent(
  database: RelationalDatabase<NotificationDatabase>,
  eventId: string,
  intents: readonly NotificationIntent[],
  options: ApplyOptions,
): Promise<ApplyResult> {
  return database.transaction(async (trx): Promise<ApplyResult> => {
    // Inboxes are locked in id order, so two events that touch the same people cannot deadlock.
    const ordered = [...intents].sort((a, b) => compareIds(a.recipientId, b.recipientId));
    const recipients = [...new Set(ordered.map((intent) => intent.recipientId))];
    const fresh = await trx
      .insertInto('processed_events')
      .values({ event_id: eventId, recipient_ids: JSON.stringify(recipients) })
      .onConflict((conflict) => conflict.column('event_id').doNothing())
      .returning('event_id')
      .executeTakeFirst();
    if (fresh === undefined) return { kind: 'duplicate', inboxes: await inboxesOf(trx, eventId) };

    for (const recipientId of recipients) await lockInbox(trx, recipientId);
    const changes: NotificationChange[] = [];
    for (const intent of ordered) {
      const change = await applyIntent(trx, intent, options);
      if (change !== null) changes.push(change);
    }
    return { kind: 'applied', changes };
  });
}

async function inboxesOf(trx: Trx, eventId: string): Promise<{ recipientId: string; lastSeq: string }[]> {
  const processed = await trx
    .selectFrom('processed_events')
    .select('recipient_ids')
    .where('event_id', '=', eventId)
    .executeTakeFirstOrThrow();
  const recipients = processed.recipient_ids.map(String);
  if (recipients.length === 0) return [];
  const rows = await trx
    .selectFrom('notification_inboxes')
    .select(['user_id', 'last_seq'])
    .where('user_id', 'in', recipients)
    .execute();
  return rows.map((row) => ({ recipientId: String(row.user_id), lastSeq: String(row.last_seq) }));
}

/** A deleted post's notifications go too: they would point at nothing. No seq: nothing to push. */
export async function deletePostNotifications(
  database: RelationalDatabase<NotificationDatabase>,
  postId: string,
): Promise<void> {
  await database.db.deleteFrom('notifications').where('post_id', '=', postId).execute();
}

/** A deleted user's inbox goes, and the username stops resolving. */
export async function forgetUser(database: RelationalDatabase<NotificationDatabase>, userId: string): Promise<void> {
  await database.transaction(async (trx) => {
    await trx.deleteFrom('notifications').where('user_id', '=', userId).execute();
    await trx.deleteFrom('notification_inboxes').where('user_id', '=', userId).execute();
    await trx.deleteFrom('known_users').where('user_id', '=', userId).execute();
  });
}

/**
 * Marks read every notification of the user whose latest change is at or before that of `upTo` (the
 * newest notification the client showed). 404 when `upTo` is not one of the user's notifications.
 */
export async function markRead(
  database: RelationalDatabase<NotificationDatabase>,
  userId: string,
  upTo: string,
): Promise<void> {
  const target = await database.db
    .selectFrom('notifications')
    .select('seq')
    .where('id', '=', upTo)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (target === undefined) {
    throw new NotFoundError(`notification ${upTo} not found`, { code: 'notification-not-found' });
  }
  await database.db
    .updateTable('notifications')
    .set({ read: true })
    .where('user_id', '=', userId)
    .where('read', '=', false)
    .where('seq', '<=', String(target.seq))
    .execute();
}
