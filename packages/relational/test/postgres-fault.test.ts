// Fault injection: a private PostgreSQL server goes away under the adapter and comes back.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { UnavailableError } from '@scalegram/contracts/errors';
import { createEvent } from '@scalegram/contracts/events';
import { type PrivatePostgres, startPrivatePostgres } from '@scalegram/test-support/private-postgres';
import { sql } from 'kysely';
import { migrate } from '../src/migrate.ts';
import { enqueueEvents } from '../src/outbox.ts';
import { createOutboxRelay } from '../src/outbox-relay.ts';
import { type OutboxDatabase, outboxMigration } from '../src/outbox-schema.ts';
import type { RelationalDatabase } from '../src/port.ts';
import { createPostgresDatabase } from '../src/postgres-database.ts';

interface Db extends OutboxDatabase {
  notes: { id: string; body: string };
}

const EMPTY_MIGRATIONS = new URL('./fixtures/migrations-empty/', import.meta.url).pathname;

async function eventually(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function waitUntilUp(database: RelationalDatabase<Db>): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    if (
      await database.ping().then(
        () => true,
        () => false,
      )
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('database did not come back');
}

describe('PostgreSQL adapter when the server goes away', () => {
  let server: PrivatePostgres;
  let database: RelationalDatabase<Db>;
  const idleErrors: Error[] = [];

  beforeAll(async () => {
    server = await startPrivatePostgres();
    database = createPostgresDatabase<Db>({
      connectionString: server.url,
      poolMax: 3,
      connectionTimeoutMs: 1_000,
      onIdleError: (error) => idleErrors.push(error),
    });
    await sql`create table notes (id bigint primary key, body text not null)`.execute(database.db);
    await migrate(database, EMPTY_MIGRATIONS, { extra: [outboxMigration] });
  });

  afterAll(async () => {
    await database?.close();
    await server?.destroy();
  });

  it('raises UnavailableError while the server is down and recovers once it is back', async () => {
    await database.db.insertInto('notes').values({ id: '1', body: 'before' }).execute();
    await database.ping();

    await server.stop();
    const down = await database.ping().catch((error: unknown) => error);
    expect(down).toBeInstanceOf(UnavailableError);
    expect(down).toMatchObject({ status: 503, code: 'database-unavailable' });
    const write = database.db.insertInto('notes').values({ id: '2', body: 'lost?' }).execute();
    await expect(write).rejects.toBeInstanceOf(UnavailableError);

    await server.start();
    // The pool replaces the connections the shutdown killed; no restart of the service needed.
    await waitUntilUp(database);
    await database.db.insertInto('notes').values({ id: '3', body: 'after' }).execute();
    const rows = await database.db.selectFrom('notes').select('body').orderBy('id').execute();
    expect(rows.map((row) => row.body)).toEqual(['before', 'after']);
  });

  it('keeps the outbox relay alive across the outage; its LISTEN connection reconnects', async () => {
    const published: string[] = [];
    const relayErrors: unknown[] = [];
    // Polling once a minute: only a NOTIFY on the re-established LISTEN connection can explain a
    // prompt publish after the restart.
    const relay = createOutboxRelay({
      database,
      publish: async (_subject, event) => void published.push(event.id),
      pollIntervalMs: 60_000,
      onError: (error) => relayErrors.push(error),
    });
    await relay.start();
    await server.stop();
    await server.start();
    await waitUntilUp(database);
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // the listener retries after 1 s
    const event = createEvent({ type: 'note.created', source: '/test', subject: 'n1', data: {} });
    await database.transaction((trx) => enqueueEvents(trx, [event], { subject: 'notes.created' }));
    await eventually(() => published.length === 1, 5_000);
    await relay.stop();
    expect(published).toEqual([event.id]);
  });
});
