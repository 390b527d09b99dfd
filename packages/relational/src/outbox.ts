// Writing events: inside the caller's business transaction, so the change and its events commit
// (or roll back) together. Nothing is published here; the relay (outbox-relay.ts) does that.
import { InvalidInputError } from '@scalegram/contracts/errors';
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
/**
 * The event as `jsonb` text. `jsonb` refuses U+0000 and unpaired surrogates (as `\u0000` and `\ud800`
 * escapes), and the whole business transaction would fail with a database error, a 500. The shared
 * text rules (contracts/text.ts, ADR 0042) keep such text out of requests; should a field ever miss
 * them, the event is refused here as the caller's input — a 400 and a rollback, never a partial write.
 */
function eventJson(event: Event): string {
  let unstorable: string | undefined;
  const json = JSON.stringify(event, (key, value: unknown) => {
    for (const text of typeof value === 'string' ? [key, value] : [key]) {
      if (unstorable === undefined && (text.includes('\u0000') || !text.isWellFormed())) unstorable = key;
    }
    return value;
  });
  if (unstorable !== undefined) {
    throw new InvalidInputError(`text holds U+0000 or an unpaired surrogate (${unstorable || 'value'})`, {
      code: 'unstorable-text',
    });
  }
  return json;
}

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
        event: eventJson(event),
      })),
    )
    .execute();
  // Delivered when (and only if) the transaction commits; repeated notifications within one
  // transaction are collapsed into one by Postgres.
  await sql`select pg_notify(${OUTBOX_CHANNEL}, '')`.execute(db);
}
