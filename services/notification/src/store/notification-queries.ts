// Reading notifications: the page a client lists (newest change first), the unread count, and the
// changes after an SSE event id (a stream's resume and catch-up).
import type { NotificationPage } from '@scalegram/contracts/notifications';
import { decodeCursor, encodeCursor } from '@scalegram/contracts/pagination';
import type { RelationalDatabase } from '@scalegram/relational/port';
import { NOTIFICATION_COLUMNS, type NotificationChange, toChange, toNotification } from './notification-rows.ts';
import type { NotificationDatabase } from './schema.ts';

type Database = RelationalDatabase<NotificationDatabase>;

export async function unreadCount(database: Database, userId: string): Promise<number> {
  const row = await database.db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('user_id', '=', userId)
    .where('read', '=', false)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Newest change first. The cursor is the seq of the last item shown. */
export async function listNotifications(
  database: Database,
  userId: string,
  page: { cursor?: string | undefined; limit: number },
): Promise<NotificationPage> {
  let before: string | undefined;
  if (page.cursor !== undefined) {
    // A seq is a bigserial: the cursor's value must fit a bigint (checked by the decoder), or it is a 400.
    before = decodeCursor(page.cursor, { s: 'id' }).s;
  }
  let query = database.db
    .selectFrom('notifications')
    .select([...NOTIFICATION_COLUMNS])
    .where('user_id', '=', userId)
    .orderBy('seq', 'desc')
    .limit(page.limit + 1);
  if (before !== undefined) query = query.where('seq', '<', before);
  const [rows, unread] = await Promise.all([query.execute(), unreadCount(database, userId)]);
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  return {
    items: items.map(toNotification),
    nextCursor: rows.length > page.limit && last !== undefined ? encodeCursor({ s: String(last.seq) }) : null,
    unreadCount: unread,
  };
}

/** The user's changes after `afterSeq`, oldest first (each notification at its latest seq). */
export async function changesAfter(
  database: Database,
  userId: string,
  afterSeq: string,
  limit: number,
): Promise<NotificationChange[]> {
  const rows = await database.db
    .selectFrom('notifications')
    .select([...NOTIFICATION_COLUMNS])
    .where('user_id', '=', userId)
    .where('seq', '>', afterSeq)
    .orderBy('seq', 'asc')
    .limit(limit)
    .execute();
  return rows.map((row) => toChange(userId, row));
}

/** The seq of the user's latest change, '0' when there was none. */
export async function lastSeq(database: Database, userId: string): Promise<string> {
  const row = await database.db
    .selectFrom('notification_inboxes')
    .select('last_seq')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row === undefined ? '0' : String(row.last_seq);
}
