// Writing events: inside the caller's business transaction, so the change and its events commit
// (or roll back) together. Nothing is published here; the relay (outbox-relay.ts) does that.
import type { Event } from '@scalegram/contracts/events';
import { type Kysely, sql } from 'kysely';
import { OUTBOX_CHANNEL, type OutboxDatabase } from './outbox-schema.ts';

export interface EnqueueOptions {
  /** The bus subject to publish on, e.g. "posts.post.created". */
  subject: string;
}

/**
 * Adds `events` to the outbox within `trx`. Must be called with a transaction: outside one the
 * write would not be atomic with the business change, which is the whole point.
 */
export async function enqueueEvents<DB>(
  trx: Kysely<DB>,
  events: readonly Event[],
  options: EnqueueOptions,
): Promise<void> {
  if (!trx.isTransaction) throw new TypeError('enqueueEvents must run inside the business transaction');
  if (events.length === 0) return;
  const db = trx as unknown as Kysely<OutboxDatabase>;
  await db
    .insertInto('outbox')
    .values(
      events.map((event) => ({
        event_id: event.id,
        subject: options.subject,
        aggregate: event.subject,
        event: JSON.stringify(event),
      })),
    )
    .execute();
  // Delivered when (and only if) the transaction commits; repeated notifications within one
  // transaction are collapsed into one by Postgres.
  await sql`select pg_notify(${OUTBOX_CHANNEL}, '')`.execute(db);
}
