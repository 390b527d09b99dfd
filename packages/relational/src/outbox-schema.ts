// The transactional outbox table. Services include `outboxMigration` in their migrations:
//   await migrate(database, migrationsFolder, { extra: [outboxMigration] });
import type { Generated } from 'kysely';
import type { SqlMigration } from './sql-migration-provider.ts';

/** NOTIFY channel the relay listens on, so it wakes up as soon as a transaction with events commits. */
export const OUTBOX_CHANNEL = 'scalegram_outbox';

export const OUTBOX_MIGRATION_SQL = `
create table outbox (
  -- Insert order; the relay publishes in this order.
  position        bigserial primary key,
  -- The event's own id: consumers de-duplicate on it, JetStream uses it as Nats-Msg-Id.
  event_id        text not null unique,
  -- Where to publish, e.g. "posts.post.created".
  subject         text not null,
  -- The aggregate the event is about (event.subject, e.g. a post id): order is kept per aggregate.
  aggregate       text not null,
  event           jsonb not null,
  created_at      timestamptz not null default now(),
  attempts        integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error      text,
  sent_at         timestamptz
);
-- The relay's scan: unsent rows in order. Partial, so it stays small however many rows were sent.
create index outbox_unsent on outbox (position) where sent_at is null;
-- The clean-up's scan.
create index outbox_sent_at on outbox (sent_at) where sent_at is not null;

-- One row: which relay replica may publish, until when. See docs/adr/0006.
create table outbox_relay_lease (
  id         smallint primary key default 1 check (id = 1),
  holder     text not null,
  expires_at timestamptz not null
);
`;

/** Sorts before a service's own 0001_… files, so a new service gets the outbox first. */
export const outboxMigration: SqlMigration = { name: '0000_scalegram_outbox', sql: OUTBOX_MIGRATION_SQL };

export interface OutboxTable {
  position: Generated<string>;
  event_id: string;
  subject: string;
  aggregate: string;
  event: unknown;
  created_at: Generated<Date>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  last_error: string | null;
  sent_at: Date | null;
}

export interface OutboxRelayLeaseTable {
  id: Generated<number>;
  holder: string;
  expires_at: Date;
}

export interface OutboxDatabase {
  outbox: OutboxTable;
  outbox_relay_lease: OutboxRelayLeaseTable;
}
