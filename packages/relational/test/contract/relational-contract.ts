// The Relational DB contract: run unchanged against PostgreSQL and PGlite. Whatever passes here is
// behaviour a service may rely on with either adapter.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ConflictError, InvalidInputError } from '@scalegram/contracts/errors';
import { createEvent, type Event } from '@scalegram/contracts/events';
import { type Generated, sql } from 'kysely';
import { UniqueViolationError } from '../../src/errors.ts';
import { MigrationError, migrate } from '../../src/migrate.ts';
import { enqueueEvents } from '../../src/outbox.ts';
import { createOutboxRelay, type OutboxRelayOptions } from '../../src/outbox-relay.ts';
import { type OutboxDatabase, outboxMigration } from '../../src/outbox-schema.ts';
import type { RelationalDatabase } from '../../src/port.ts';

export const MIGRATIONS = new URL('../fixtures/migrations-ok/', import.meta.url).pathname;
export const FAILING_MIGRATIONS = new URL('../fixtures/migrations-failing/', import.meta.url).pathname;

export interface TestDatabase extends OutboxDatabase {
  users: { id: string; username: string; bio: Generated<string>; created_at: Generated<Date> };
  migration_log: { step: string };
}

export interface ContractTarget {
  /** A new, empty database. */
  create(): Promise<RelationalDatabase<TestDatabase>>;
  /** Frees whatever `create` made (called once, after every database was closed). */
  cleanup(): Promise<void>;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await delay(10);
  }
}

function postEvent(aggregate: string, n: number): Event<{ n: number }> {
  return createEvent({ type: 'post.created', source: '/test', subject: aggregate, data: { n } });
}

export function describeRelationalContract(adapterName: string, target: ContractTarget): void {
  describe(`relational contract: ${adapterName}`, () => {
    let database: RelationalDatabase<TestDatabase>;
    let scratch: RelationalDatabase<TestDatabase>;
    let nextId = 1n;
    const newId = () => String(nextId++);

    beforeAll(async () => {
      [database, scratch] = await Promise.all([target.create(), target.create()]);
      await migrate(database, MIGRATIONS, { extra: [outboxMigration] });
    });

    afterAll(async () => {
      await Promise.all([database?.close(), scratch?.close()]);
      await target.cleanup();
    });

    describe('queries and types', () => {
      it('inserts, reads, updates and deletes rows through Kysely', async () => {
        const id = newId();
        await database.db
          .insertInto('users')
          .values({ id, username: `crud-${id}` })
          .execute();
        await database.db.updateTable('users').set({ bio: 'hello' }).where('id', '=', id).execute();
        const row = await database.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
        expect(row).toMatchObject({ id, username: `crud-${id}`, bio: 'hello' });
        const deleted = await database.db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
        expect(deleted.numDeletedRows).toBe(1n);
        expect(await database.db.selectFrom('users').select('id').where('id', '=', id).execute()).toEqual([]);
      });

      it('returns int8 as an exact decimal string, never a lossy number', async () => {
        const max = '9223372036854775807';
        await database.db.insertInto('users').values({ id: max, username: 'int8-max' }).execute();
        const row = await database.db.selectFrom('users').select('id').where('id', '=', max).executeTakeFirstOrThrow();
        expect(row.id).toBe(max);
        const result = await sql<{
          n: unknown;
          sum: unknown;
        }>`select 9007199254740993::int8 as n, count(*) as sum from users`.execute(database.db);
        expect(result.rows[0]?.n).toBe('9007199254740993');
        expect(typeof result.rows[0]?.sum).toBe('string');
        await database.db.deleteFrom('users').where('id', '=', max).execute();
      });

      it('returns timestamptz as Date and jsonb as parsed JSON', async () => {
        const result = await sql<{
          at: unknown;
          doc: unknown;
        }>`select '2025-01-01T00:00:00Z'::timestamptz as at, '{"a":[1,"x"]}'::jsonb as doc`.execute(database.db);
        expect(result.rows[0]?.at).toEqual(new Date('2025-01-01T00:00:00Z'));
        expect(result.rows[0]?.doc).toEqual({ a: [1, 'x'] });
      });

      it('answers ping and counts the statements it sends', async () => {
        const before = database.queryCount();
        await database.ping();
        await database.db.selectFrom('users').select('id').limit(1).execute();
        expect(database.queryCount()).toBe(before + 2);
      });

      it('raises UniqueViolationError (a ConflictError) naming the violated constraint', async () => {
        const id = newId();
        await database.db
          .insertInto('users')
          .values({ id, username: `dup-${id}` })
          .execute();
        const duplicate = database.db
          .insertInto('users')
          .values({ id: newId(), username: `dup-${id}` })
          .execute();
        const error = await duplicate.catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(ConflictError);
        expect(error).toBeInstanceOf(UniqueViolationError);
        expect(error).toMatchObject({ status: 409, code: 'unique-violation', constraint: 'users_username_key' });
      });
    });

    describe('transactions', () => {
      it('commits every write of a successful transaction', async () => {
        const [a, b] = [newId(), newId()];
        const result = await database.transaction(async (trx) => {
          await trx
            .insertInto('users')
            .values({ id: a, username: `tx-${a}` })
            .execute();
          await trx
            .insertInto('users')
            .values({ id: b, username: `tx-${b}` })
            .execute();
          return 'done';
        });
        expect(result).toBe('done');
        const rows = await database.db
          .selectFrom('users')
          .select('id')
          .where('id', 'in', [a, b])
          .orderBy('id')
          .execute();
        expect(rows.map((row) => row.id)).toEqual([a, b]);
      });

      it('rolls back every write when the callback throws', async () => {
        const id = newId();
        const failure = database.transaction(async (trx) => {
          await trx
            .insertInto('users')
            .values({ id, username: `rb-${id}` })
            .execute();
          throw new Error('business rule failed');
        });
        await expect(failure).rejects.toThrow('business rule failed');
        expect(await database.db.selectFrom('users').select('id').where('id', '=', id).execute()).toEqual([]);
      });

      it('leaves nothing behind when a later statement fails, and surfaces the typed error', async () => {
        const [first, taken] = [newId(), newId()];
        await database.db
          .insertInto('users')
          .values({ id: taken, username: `taken-${taken}` })
          .execute();
        const failure = database.transaction(async (trx) => {
          await trx
            .insertInto('users')
            .values({ id: first, username: `first-${first}` })
            .execute();
          await trx
            .insertInto('users')
            .values({ id: newId(), username: `taken-${taken}` })
            .execute();
        });
        await expect(failure).rejects.toBeInstanceOf(UniqueViolationError);
        expect(await database.db.selectFrom('users').select('id').where('id', '=', first).execute()).toEqual([]);
      });

      it('rolls back to a savepoint: a failed nested step undoes only itself', async () => {
        const [kept, taken, undone] = [newId(), newId(), newId()];
        await database.db
          .insertInto('users')
          .values({ id: taken, username: `sp-${taken}` })
          .execute();
        const trx = await database.db.startTransaction().execute();
        try {
          await trx
            .insertInto('users')
            .values({ id: kept, username: `sp-${kept}` })
            .execute();
          const nested = await trx.savepoint('nested').execute();
          await nested
            .insertInto('users')
            .values({ id: undone, username: `sp-${undone}` })
            .execute();
          const clash = nested
            .insertInto('users')
            .values({ id: newId(), username: `sp-${taken}` })
            .execute();
          await expect(clash).rejects.toBeInstanceOf(UniqueViolationError);
          await nested.rollbackToSavepoint('nested').execute();
          await trx.commit().execute();
        } catch (error) {
          await trx.rollback().execute();
          throw error;
        }
        const rows = await database.db.selectFrom('users').select('id').where('id', 'in', [kept, undone]).execute();
        expect(rows.map((row) => row.id)).toEqual([kept]);
      });

      it('keeps concurrent transactions isolated from each other and from plain queries', async () => {
        const [kept, dropped, plain] = [newId(), newId(), newId()];
        const results = await Promise.allSettled([
          database.transaction(async (trx) => {
            await trx
              .insertInto('users')
              .values({ id: kept, username: `c-${kept}` })
              .execute();
            await delay(20);
          }),
          database.transaction(async (trx) => {
            await trx
              .insertInto('users')
              .values({ id: dropped, username: `c-${dropped}` })
              .execute();
            await delay(20);
            throw new Error('abort');
          }),
          database.db
            .insertInto('users')
            .values({ id: plain, username: `c-${plain}` })
            .execute(),
        ]);
        expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        const rows = await database.db
          .selectFrom('users')
          .select('id')
          .where('id', 'in', [kept, dropped, plain])
          .orderBy('id')
          .execute();
        expect(rows.map((row) => row.id)).toEqual([kept, plain]);
      });

      it('delivers NOTIFY to listeners only once the transaction commits', async () => {
        const received: string[] = [];
        const stop = await database.listen('contract_channel', () => received.push('notified'));
        received.length = 0; // a listener may be woken once when it (re)connects
        let seenInsideTransaction = -1;
        await database.transaction(async (trx) => {
          await sql`select pg_notify('contract_channel', '')`.execute(trx);
          await delay(100);
          seenInsideTransaction = received.length;
        });
        await eventually(() => received.length > 0);
        await stop();
        expect(seenInsideTransaction).toBe(0);
      });
    });

    describe('migrations', () => {
      it('applies nothing at all when one migration of the run fails', async () => {
        const failure = migrate(scratch, FAILING_MIGRATIONS);
        await expect(failure).rejects.toBeInstanceOf(MigrationError);
        await expect(failure).rejects.toMatchObject({ migration: '0002_broken' });
        const tables = await sql<{
          name: string;
        }>`select table_name as name from information_schema.tables where table_name in ('things', 'other_things')`.execute(
          scratch.db,
        );
        expect(tables.rows).toEqual([]);
        const applied = await sql<{ n: string }>`select count(*) as n from kysely_migration`.execute(scratch.db);
        expect(applied.rows[0]?.n).toBe('0');
      });

      it('applies files in name order, records them, and is a no-op the second time', async () => {
        expect(await migrate(scratch, MIGRATIONS)).toEqual([
          '0001_create_users',
          '0002_add_bio',
          '0010_create_follows',
        ]);
        const log = await scratch.db.selectFrom('migration_log').select('step').execute();
        expect(log.map((row) => row.step)).toEqual(['0001', '0002', '0010']);
        expect(await migrate(scratch, MIGRATIONS)).toEqual([]);
        expect(await scratch.db.selectFrom('migration_log').select('step').execute()).toHaveLength(3);
      });

      it('refuses to run when a migration that was applied is missing', async () => {
        const folder = await mkdtemp(join(tmpdir(), 'sg-migrations-'));
        try {
          await cp(MIGRATIONS, folder, { recursive: true });
          await rm(join(folder, '0002_add_bio.sql'));
          const refused = migrate(scratch, folder);
          await expect(refused).rejects.toBeInstanceOf(MigrationError);
          await expect(refused).rejects.toThrow(/0002_add_bio is missing/);
        } finally {
          await rm(folder, { recursive: true, force: true });
        }
      });
    });

    describe('transactional outbox', () => {
      const outbox = () => database.db.selectFrom('outbox');
      const relayOptions = (
        publish: OutboxRelayOptions['publish'],
        extra: Partial<OutboxRelayOptions> = {},
      ): OutboxRelayOptions => ({
        database,
        publish,
        pollIntervalMs: 20,
        backoff: { initialMs: 100, factor: 2, maxMs: 1_000 },
        ...extra,
      });

      beforeEach(async () => {
        await database.db.deleteFrom('outbox').execute();
        await database.db.deleteFrom('outbox_relay_lease').execute();
      });

      it('writes events with the business change; other sessions see them only after commit', async () => {
        const id = newId();
        const event = postEvent(id, 1);
        let seenBeforeCommit: unknown;
        await database.transaction(async (trx) => {
          await trx
            .insertInto('users')
            .values({ id, username: `ob-${id}` })
            .execute();
          await enqueueEvents(trx, [event], { subject: 'posts.post.created' });
          // PostgreSQL answers from another connection (no rows); PGlite's single connection is busy
          // with this transaction, so nobody can observe the uncommitted event at all.
          const outside = outbox().select('event_id').execute();
          seenBeforeCommit = await Promise.race([outside, delay(150).then(() => 'blocked')]);
        });
        expect(
          seenBeforeCommit === 'blocked' || (Array.isArray(seenBeforeCommit) && seenBeforeCommit.length === 0),
        ).toBe(true);
        const rows = await outbox().select(['event_id', 'subject', 'aggregate', 'event', 'sent_at']).execute();
        expect(rows).toEqual([
          { event_id: event.id, subject: 'posts.post.created', aggregate: id, event, sent_at: null },
        ]);
      });

      it('writes no event when the business transaction rolls back', async () => {
        const id = newId();
        const failure = database.transaction(async (trx) => {
          await trx
            .insertInto('users')
            .values({ id, username: `ob-${id}` })
            .execute();
          await enqueueEvents(trx, [postEvent(id, 1)], { subject: 'posts.post.created' });
          throw new Error('validation failed after the write');
        });
        await expect(failure).rejects.toThrow('validation failed');
        expect(await outbox().select('event_id').execute()).toEqual([]);
      });

      // Why the shared text rules exist (ADR 0042): both stores refuse U+0000 in text and in jsonb, and
      // jsonb refuses an unpaired surrogate. The outbox turns the jsonb case into the caller's 400.
      it('both stores refuse U+0000 in text and jsonb, and an unpaired surrogate in jsonb', async () => {
        const id = newId();
        await expect(
          database.db.insertInto('users').values({ id, username: 'nul\u0000name' }).execute(),
        ).rejects.toThrow();
        await expect(sql`select ${'{"t":"a\\u0000b"}'}::jsonb`.execute(database.db)).rejects.toThrow();
        await expect(sql`select ${'{"t":"a\\ud800b"}'}::jsonb`.execute(database.db)).rejects.toThrow();
        expect(await database.db.selectFrom('users').select('id').where('id', '=', id).execute()).toEqual([]);
      });

      it('refuses an event holding U+0000 or an unpaired surrogate as invalid input, and writes nothing', async () => {
        for (const text of ['a\u0000b', 'a\ud800b', '\udc00']) {
          const id = newId();
          const failure = database.transaction(async (trx) => {
            await trx
              .insertInto('users')
              .values({ id, username: `ob-${id}` })
              .execute();
            const event = createEvent({ type: 'post.updated', source: '/test', subject: id, data: { text } });
            await enqueueEvents(trx, [event], { subject: 'posts.post.updated' });
          });
          await expect(failure).rejects.toBeInstanceOf(InvalidInputError);
          await expect(failure).rejects.toMatchObject({ status: 400, code: 'unstorable-text' });
          expect(await database.db.selectFrom('users').select('id').where('id', '=', id).execute()).toEqual([]);
        }
        expect(await outbox().select('event_id').execute()).toEqual([]);
      });

      it('refuses to enqueue outside a transaction', async () => {
        await expect(enqueueEvents(database.db, [postEvent('x', 1)], { subject: 's' })).rejects.toThrow(TypeError);
      });

      it('publishes events in insert order and marks them sent', async () => {
        const events = [postEvent('a', 1), postEvent('b', 1), postEvent('a', 2), postEvent('c', 1)];
        await database.transaction((trx) => enqueueEvents(trx, events.slice(0, 2), { subject: 'posts.one' }));
        await database.transaction((trx) => enqueueEvents(trx, events.slice(2), { subject: 'posts.two' }));
        const published: [string, string][] = [];
        const relay = createOutboxRelay(
          relayOptions(async (subject, event) => void published.push([subject, event.id])),
        );
        expect(await relay.runOnce()).toEqual({ leader: true, published: 4, failed: 0, full: false });
        expect(published).toEqual([
          ['posts.one', events[0]?.id],
          ['posts.one', events[1]?.id],
          ['posts.two', events[2]?.id],
          ['posts.two', events[3]?.id],
        ]);
        expect(await outbox().select('event_id').where('sent_at', 'is', null).execute()).toEqual([]);
        expect(await relay.runOnce()).toMatchObject({ published: 0 });
        expect(published).toHaveLength(4);
      });

      it('retries a failing publish with exponential back-off until it succeeds', async () => {
        const event = postEvent('retry', 1);
        await database.transaction((trx) => enqueueEvents(trx, [event], { subject: 'posts.retry' }));
        const attemptsAt: number[] = [];
        const relay = createOutboxRelay(
          relayOptions(async () => {
            attemptsAt.push(Date.now());
            if (attemptsAt.length <= 2) throw new Error(`broker down (${attemptsAt.length})`);
          }),
        );
        await relay.start();
        await eventually(() => attemptsAt.length === 3);
        await relay.stop();
        const [first = 0, second = 0, third = 0] = attemptsAt;
        expect(second - first).toBeGreaterThanOrEqual(90); // initialMs 100 (database clock vs ours: allow 10 ms)
        expect(third - second).toBeGreaterThanOrEqual(190); // doubled
        const row = await outbox().select(['attempts', 'sent_at', 'last_error']).executeTakeFirstOrThrow();
        expect(row.attempts).toBe(3);
        expect(row.sent_at).toBeInstanceOf(Date);
        expect(row.last_error).toBeNull();
      });

      it('republishes the same event id when a relay dies between publish and mark', async () => {
        const event = postEvent('crash', 1);
        await database.transaction((trx) => enqueueEvents(trx, [event], { subject: 'posts.crash' }));
        const seen: string[] = [];
        let unfreeze: () => void = () => undefined;
        // Replica A publishes, then hangs for ever before marking: as good as a killed process.
        const a = createOutboxRelay(
          relayOptions(
            async (_subject, published) => {
              seen.push(`a:${published.id}`);
              await new Promise<void>((resolve) => {
                unfreeze = resolve;
              });
            },
            { relayId: 'replica-a', leaseTtlMs: 300 },
          ),
        );
        const b = createOutboxRelay(
          relayOptions(async (_subject, published) => void seen.push(`b:${published.id}`), {
            relayId: 'replica-b',
            leaseTtlMs: 300,
          }),
        );
        const aRound = a.runOnce();
        await eventually(() => seen.length === 1);
        expect(await b.runOnce()).toMatchObject({ leader: false }); // A's lease is still valid
        await delay(350);
        expect(await b.runOnce()).toMatchObject({ leader: true, published: 1 });
        expect(seen).toEqual([`a:${event.id}`, `b:${event.id}`]);
        unfreeze();
        await aRound;
        expect(await a.runOnce()).toMatchObject({ leader: false }); // B holds the lease now
      });

      it('keeps per-aggregate order: a failed event holds back only its own aggregate', async () => {
        const a1 = postEvent('agg-a', 1);
        const b1 = postEvent('agg-b', 1);
        const a2 = postEvent('agg-a', 2);
        const b2 = postEvent('agg-b', 2);
        for (const event of [a1, b1, a2, b2]) {
          await database.transaction((trx) => enqueueEvents(trx, [event], { subject: 'posts.order' }));
        }
        const published: string[] = [];
        let failA1 = true;
        const relay = createOutboxRelay(
          relayOptions(async (_subject, event) => {
            if (event.id === a1.id && failA1) {
              failA1 = false;
              throw new Error('transient');
            }
            published.push(`${event.subject}#${(event.data as { n: number }).n}`);
          }),
        );
        expect(await relay.runOnce()).toMatchObject({ published: 2, failed: 1 });
        expect(published).toEqual(['agg-b#1', 'agg-b#2']);
        expect(await relay.runOnce()).toMatchObject({ published: 0 }); // a1 is backing off; a2 must wait
        await delay(150);
        expect(await relay.runOnce()).toMatchObject({ published: 2 });
        expect(published).toEqual(['agg-b#1', 'agg-b#2', 'agg-a#1', 'agg-a#2']);
      });

      it('lets only one of several replicas publish: every event exactly once, in order', async () => {
        const events = Array.from({ length: 30 }, (_, n) => postEvent(`multi-${n % 3}`, n));
        await database.transaction((trx) => enqueueEvents(trx, events, { subject: 'posts.multi' }));
        const published: string[] = [];
        const replicas = ['r1', 'r2', 'r3'].map((relayId) =>
          createOutboxRelay(
            relayOptions(async (_s, event) => void published.push(event.id), { relayId, batchSize: 7 }),
          ),
        );
        await Promise.all(replicas.map((replica) => replica.start()));
        await eventually(() => published.length >= events.length);
        await Promise.all(replicas.map((replica) => replica.stop()));
        expect(published).toEqual(events.map((event) => event.id));
      });

      it('wakes up on NOTIFY instead of waiting for the next poll', async () => {
        const published: string[] = [];
        const relay = createOutboxRelay(
          relayOptions(async (_s, event) => void published.push(event.id), { pollIntervalMs: 60_000 }),
        );
        await relay.start();
        await delay(100); // let the first (empty) round finish; the next poll is a minute away
        const event = postEvent('notify', 1);
        const committedAt = Date.now();
        await database.transaction((trx) => enqueueEvents(trx, [event], { subject: 'posts.notify' }));
        await eventually(() => published.length === 1, 5_000);
        const latency = Date.now() - committedAt;
        await relay.stop();
        expect(published).toEqual([event.id]);
        expect(latency).toBeLessThan(5_000);
      });

      it('deletes sent rows once they are older than the retention', async () => {
        const [old, fresh] = [postEvent('keep', 1), postEvent('keep', 2)];
        await database.transaction((trx) => enqueueEvents(trx, [old], { subject: 'posts.cleanup' }));
        // Two relay objects with one relay id: a restarted replica, whose first round cleans up.
        const options = relayOptions(async () => undefined, { retentionMs: 60_000, relayId: 'cleaner' });
        await createOutboxRelay(options).runOnce();
        await database.db
          .updateTable('outbox')
          .set({ sent_at: new Date(Date.now() - 120_000) })
          .execute();
        await database.transaction((trx) => enqueueEvents(trx, [fresh], { subject: 'posts.cleanup' }));
        await createOutboxRelay(options).runOnce();
        const left = await outbox().select('event_id').execute();
        expect(left.map((row) => row.event_id)).toEqual([fresh.id]);
      });

      it('drains on stop: finishes the round in progress, then publishes nothing more', async () => {
        const events = Array.from({ length: 6 }, (_, n) => postEvent('drain', n));
        await database.transaction((trx) => enqueueEvents(trx, events, { subject: 'posts.drain' }));
        const published: string[] = [];
        const relay = createOutboxRelay(
          relayOptions(
            async (_s, event) => {
              await delay(20);
              published.push(event.id);
            },
            { batchSize: 3 },
          ),
        );
        await relay.start();
        await eventually(() => published.length >= 1);
        await relay.stop();
        const afterStop = published.length;
        expect(afterStop).toBeGreaterThanOrEqual(3);
        expect(afterStop % 3).toBe(0); // whole rounds only
        const sent = await outbox().select('event_id').where('sent_at', 'is not', null).orderBy('position').execute();
        expect(sent.map((row) => row.event_id)).toEqual(published);
        await delay(100);
        expect(published).toHaveLength(afterStop);
      });
    });
  });
}
