// Many events' notifications in ONE transaction (the consumer's batches, ADR 0041): the same rows, seqs
// and changes as applyNotificationEvent called once per event in the same order — a fold of the same
// rules (collapse-policy.ts) over the batch in memory, then a few multi-row statements instead of a
// transaction of five to nine statements per event. notification-commands.ts stays the reference: a
// test checks that both write the same tables.
import type { RelationalDatabase } from '@scalegram/relational/port';
import { sql, type Transaction } from 'kysely';
import { collapsePolicy, mergeActors } from '../domain/collapse-policy.ts';
import type { NotificationIntent } from '../domain/notification-intents.ts';
import type { ApplyOptions, ApplyResult } from './notification-commands.ts';
import { NOTIFICATION_COLUMNS, type NotificationColumns, toChange } from './notification-rows.ts';
import type { NotificationDatabase } from './schema.ts';

type Trx = Transaction<NotificationDatabase>;

export interface BatchItem {
  eventId: string;
  intents: readonly NotificationIntent[];
}

const compareIds = (a: string, b: string) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0);

/** A notification as the fold sees it: loaded (id known) or created by this batch (id after insert). */
interface Draft {
  id: string | undefined;
  userId: string;
  type: NotificationIntent['type'];
  postId: string | null;
  commentId: string | null;
  actorIds: string[];
  actorCount: number;
  seq: string;
  collapseKey: string | null;
  dedupeKey: string | null;
  createdAt: Date;
  updatedAt: Date;
  changed: boolean;
  actors: Set<string>;
}

/** A change to announce once the rows are written: the draft as it was right after that change. */
interface PendingChange {
  draft: Draft;
  snapshot: Omit<NotificationColumns, 'id'>;
}

export async function applyNotificationEvents(
  database: RelationalDatabase<NotificationDatabase>,
  items: readonly BatchItem[],
  options: ApplyOptions,
): Promise<ApplyResult[]> {
  if (items.length === 0) return [];
  return database.transaction(async (trx) => {
    const now = (await sql<{ now: Date }>`select now() as now`.execute(trx)).rows[0]?.now as Date;
    const recipientsOf = items.map((item) => [...new Set(item.intents.map((i) => i.recipientId))].sort(compareIds));

    // 1. Which events are new (an event id may repeat inside the batch: only the first one counts).
    const firstIndex = new Map<string, number>();
    items.forEach((item, index) => {
      if (!firstIndex.has(item.eventId)) firstIndex.set(item.eventId, index);
    });
    const inserted = await trx
      .insertInto('processed_events')
      .values(
        [...firstIndex].map(([eventId, index]) => ({
          event_id: eventId,
          recipient_ids: JSON.stringify(recipientsOf[index]),
        })),
      )
      .onConflict((conflict) => conflict.column('event_id').doNothing())
      .returning('event_id')
      .execute();
    const fresh = new Set(inserted.map((row) => row.event_id));
    const isFresh = (index: number) =>
      fresh.has((items[index] as BatchItem).eventId) && firstIndex.get((items[index] as BatchItem).eventId) === index;

    // 2. Lock every inbox the new events touch, in id order, and read where its seq stands.
    const recipients = [
      ...new Set(items.flatMap((_, index) => (isFresh(index) ? (recipientsOf[index] as string[]) : []))),
    ].sort(compareIds);
    const lastSeq = new Map<string, bigint>();
    if (recipients.length > 0) {
      const inboxes = await trx
        .insertInto('notification_inboxes')
        .values(recipients.map((userId) => ({ user_id: userId })))
        .onConflict((conflict) => conflict.column('user_id').doUpdateSet({ user_id: sql`excluded.user_id` }))
        .returning(['user_id', 'last_seq'])
        .execute();
      for (const inbox of inboxes) lastSeq.set(String(inbox.user_id), BigInt(String(inbox.last_seq)));
    }

    // 3. What the rules will look at: open collapsible notifications (locked, as the single path does)
    // with their actors, and existing dedupe keys.
    const intents = items.flatMap((item, index) => (isFresh(index) ? item.intents : []));
    const policies = new Map(intents.map((intent) => [intent, collapsePolicy(intent, options.followWindowMs)]));
    const collapseKeys = [
      ...new Set([...policies.values()].flatMap((p) => (p.collapseKey === null ? [] : [p.collapseKey]))),
    ];
    const dedupeKeys = [...new Set([...policies.values()].flatMap((p) => (p.dedupeKey === null ? [] : [p.dedupeKey])))];
    const open = new Map<string, Draft[]>(); // `${user}\u0000${collapseKey}` → unread drafts
    const seenDedupe = new Set<string>(); // `${user}\u0000${dedupeKey}`
    const key = (userId: string, k: string) => `${userId}\u0000${k}`;
    if (recipients.length > 0 && collapseKeys.length > 0) {
      const rows = await trx
        .selectFrom('notifications')
        .select([...NOTIFICATION_COLUMNS, 'user_id', 'collapse_key', 'dedupe_key'])
        .where('user_id', 'in', recipients)
        .where('collapse_key', 'in', collapseKeys)
        .where('read', '=', false)
        .orderBy('id')
        .forUpdate()
        .execute();
      const actorRows =
        rows.length === 0
          ? []
          : await trx
              .selectFrom('notification_actors')
              .select(['notification_id', 'actor_id'])
              .where(
                'notification_id',
                'in',
                rows.map((row) => row.id),
              )
              // Only the batch's actors: whether they are there already is all the rules ask.
              .where('actor_id', 'in', [...new Set(intents.map((intent) => intent.actorId))])
              .execute();
      const actorsOf = new Map<string, Set<string>>();
      for (const row of actorRows) {
        const set = actorsOf.get(String(row.notification_id)) ?? new Set<string>();
        set.add(String(row.actor_id));
        actorsOf.set(String(row.notification_id), set);
      }
      for (const row of rows) {
        const draft: Draft = {
          id: String(row.id),
          userId: String(row.user_id),
          type: row.type,
          postId: row.post_id === null ? null : String(row.post_id),
          commentId: row.comment_id === null ? null : String(row.comment_id),
          actorIds: row.actor_ids.map(String),
          actorCount: Number(row.actor_count),
          seq: String(row.seq),
          collapseKey: row.collapse_key,
          dedupeKey: row.dedupe_key,
          createdAt: new Date(row.created_at),
          updatedAt: new Date(row.updated_at),
          changed: false,
          actors: actorsOf.get(String(row.id)) ?? new Set(),
        };
        const k = key(draft.userId, row.collapse_key as string);
        open.set(k, [...(open.get(k) ?? []), draft]);
      }
    }
    if (recipients.length > 0 && dedupeKeys.length > 0) {
      const rows = await trx
        .selectFrom('notifications')
        .select(['user_id', 'dedupe_key'])
        .where('user_id', 'in', recipients)
        .where('dedupe_key', 'in', dedupeKeys)
        .execute();
      for (const row of rows) seenDedupe.add(key(String(row.user_id), row.dedupe_key as string));
    }

    // 4. The fold: each new event's intents in recipient order, exactly as applyIntent decides.
    const created: Draft[] = [];
    // Actor rows to insert, or whose acted_at moves to now (a repeat), per notification.
    const actorUpserts = new Map<Draft, Set<string>>();
    const upsertActor = (draft: Draft, actorId: string) =>
      actorUpserts.set(draft, (actorUpserts.get(draft) ?? new Set()).add(actorId));
    const changesOf: PendingChange[][] = items.map(() => []);
    const take = (userId: string) => {
      const next = (lastSeq.get(userId) ?? 0n) + 1n;
      lastSeq.set(userId, next);
      return String(next);
    };
    const record = (index: number, draft: Draft) =>
      (changesOf[index] as PendingChange[]).push({
        draft,
        snapshot: {
          type: draft.type,
          actor_ids: [...draft.actorIds],
          actor_count: draft.actorCount,
          post_id: draft.postId,
          comment_id: draft.commentId,
          read: false,
          seq: draft.seq,
          created_at: draft.createdAt,
          updated_at: draft.updatedAt,
        },
      });
    const seqTouched = new Set<string>();
    items.forEach((item, index) => {
      if (!isFresh(index)) return;
      const ordered = [...item.intents].sort((a, b) => compareIds(a.recipientId, b.recipientId));
      for (const intent of ordered) {
        const policy = policies.get(intent) ?? collapsePolicy(intent, options.followWindowMs);
        const userId = intent.recipientId;
        if (policy.dedupeKey !== null && seenDedupe.has(key(userId, policy.dedupeKey))) continue;
        if (policy.collapseKey !== null) {
          const cutoff = policy.windowMs === null ? null : now.getTime() - policy.windowMs;
          const candidates = (open.get(key(userId, policy.collapseKey)) ?? []).filter(
            (draft) => cutoff === null || draft.createdAt.getTime() > cutoff,
          );
          const target = candidates.reduce<Draft | undefined>(
            (best, draft) => (best === undefined || BigInt(draft.seq) > BigInt(best.seq) ? draft : best),
            undefined,
          );
          if (target !== undefined) {
            const added = !target.actors.has(intent.actorId);
            target.actors.add(intent.actorId);
            upsertActor(target, intent.actorId);
            if (!added && intent.type !== 'comment') continue;
            target.seq = take(userId);
            seqTouched.add(userId);
            target.actorIds = mergeActors(target.actorIds, intent.actorId);
            if (added) target.actorCount++;
            target.commentId = intent.commentId;
            target.updatedAt = now;
            target.changed = true;
            record(index, target);
            continue;
          }
        }
        const draft: Draft = {
          id: undefined,
          userId,
          type: intent.type,
          postId: intent.postId,
          commentId: intent.commentId,
          actorIds: [intent.actorId],
          actorCount: 1,
          seq: take(userId),
          collapseKey: policy.collapseKey,
          dedupeKey: policy.dedupeKey,
          createdAt: now,
          updatedAt: now,
          changed: true,
          actors: new Set([intent.actorId]),
        };
        seqTouched.add(userId);
        created.push(draft);
        upsertActor(draft, intent.actorId);
        if (policy.collapseKey !== null) {
          const k = key(userId, policy.collapseKey);
          open.set(k, [...(open.get(k) ?? []), draft]);
        }
        if (policy.dedupeKey !== null) seenDedupe.add(key(userId, policy.dedupeKey));
        record(index, draft);
      }
    });

    // 5. The writes: inbox seqs, new notifications (ids from the insert), changed ones, actors.
    await writeInboxSeqs(
      trx,
      [...seqTouched].map((userId) => [userId, String(lastSeq.get(userId))]),
    );
    if (created.length > 0) {
      const rows = await trx
        .insertInto('notifications')
        .values(
          created.map((draft) => ({
            user_id: draft.userId,
            type: draft.type,
            post_id: draft.postId,
            comment_id: draft.commentId,
            actor_ids: JSON.stringify(draft.actorIds),
            actor_count: draft.actorCount,
            seq: draft.seq,
            collapse_key: draft.collapseKey,
            dedupe_key: draft.dedupeKey,
          })),
        )
        .returning(['id', 'user_id', 'seq'])
        .execute();
      // (user, seq) is unique: it finds each draft's row whatever order the rows come back in.
      const idOf = new Map(rows.map((row) => [key(String(row.user_id), String(row.seq)), String(row.id)]));
      for (const draft of created) draft.id = idOf.get(key(draft.userId, draft.seq));
    }
    const updated = [...new Set([...open.values()].flat())].filter(
      (draft) => draft.changed && !created.includes(draft),
    );
    await writeUpdatedNotifications(trx, updated);
    const actors = [...actorUpserts].flatMap(([draft, actorIds]) =>
      [...actorIds].map((actorId) => ({ notification_id: draft.id as string, actor_id: actorId })),
    );
    for (let start = 0; start < actors.length; start += 5_000) {
      await trx
        .insertInto('notification_actors')
        .values(actors.slice(start, start + 5_000))
        .onConflict((conflict) =>
          conflict.columns(['notification_id', 'actor_id']).doUpdateSet({ acted_at: sql`now()` }),
        )
        .execute();
    }

    // 6. What each event reports, as the single path would have.
    const results: ApplyResult[] = [];
    for (const [index, item] of items.entries()) {
      if (isFresh(index)) {
        results.push({
          kind: 'applied',
          changes: (changesOf[index] as PendingChange[]).map(({ draft, snapshot }) =>
            toChange(draft.userId, { ...snapshot, id: draft.id as string }),
          ),
        });
      } else {
        results.push({ kind: 'duplicate', inboxes: await inboxesOf(trx, item.eventId) });
      }
    }
    return results;
  });
}

async function writeInboxSeqs(trx: Trx, seqs: readonly [string, string][]): Promise<void> {
  if (seqs.length === 0) return;
  const values = sql.join(
    seqs.map(([userId, seq]) => sql`(${userId}::bigint, ${seq}::bigint)`),
    sql`, `,
  );
  await sql`
    update notification_inboxes set last_seq = v.seq
    from (values ${values}) as v(user_id, seq)
    where notification_inboxes.user_id = v.user_id`.execute(trx);
}

async function writeUpdatedNotifications(trx: Trx, drafts: readonly Draft[]): Promise<void> {
  if (drafts.length === 0) return;
  const values = sql.join(
    drafts.map(
      (d) =>
        sql`(${d.id}::bigint, ${JSON.stringify(d.actorIds)}::jsonb, ${d.actorCount}::int, ${d.commentId}::bigint, ${d.seq}::bigint)`,
    ),
    sql`, `,
  );
  await sql`
    update notifications set
      actor_ids = v.actor_ids, actor_count = v.actor_count, comment_id = v.comment_id, seq = v.seq,
      updated_at = now()
    from (values ${values}) as v(id, actor_ids, actor_count, comment_id, seq)
    where notifications.id = v.id`.execute(trx);
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
