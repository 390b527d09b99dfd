// Publishes committed outbox rows to the bus: in order, at least once, one replica at a time.
// Design and trade-offs: docs/adr/0006-outbox-relay.md.

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Event } from '@scalegram/contracts/events';
import { type Kysely, sql } from 'kysely';
import { OUTBOX_CHANNEL, type OutboxDatabase } from './outbox-schema.ts';
import type { RelationalDatabase } from './port.ts';

export interface BackoffOptions {
  /** Delay after the first failed attempt (default 200 ms). */
  initialMs?: number;
  /** Each further failure multiplies the delay by this (default 2). */
  factor?: number;
  /** Upper bound of the delay (default 60 000 ms). */
  maxMs?: number;
}

export interface OutboxRelayOptions {
  // biome-ignore lint/suspicious/noExplicitAny: the relay works on any service schema that includes the outbox tables
  database: RelationalDatabase<any>;
  /** Publishes one event; resolves once the bus has stored it. Must not wait on consumers. */
  publish: (subject: string, event: Event) => Promise<void>;
  /**
   * Rows read per round (default 1000). Each round's read checks every unsent row for a pending retry,
   * so a backlog of N rows costs N²/batchSize row visits: seeding's 37,624 follow events took ~5× longer
   * to drain in rounds of 100 than of 1000 (docs/benchmarks.md, "Seeding").
   */
  batchSize?: number;
  /** Poll interval when idle; NOTIFY usually wakes the relay sooner (default 1 000 ms). */
  pollIntervalMs?: number;
  backoff?: BackoffOptions;
  /** How long a replica stays leader without renewing (default 30 000 ms). Bounds fail-over time. */
  leaseTtlMs?: number;
  /** Sent rows are deleted after this long (default 24 h); they are only kept for debugging. */
  retentionMs?: number;
  /** How often the leader deletes expired sent rows (default 60 000 ms). */
  cleanupIntervalMs?: number;
  /** Identifies this replica in the lease row (default hostname:pid:random). */
  relayId?: string;
  /** Errors the relay survives: a failed publish, an unreachable database. Default: ignored. */
  onError?: (error: unknown) => void;
}

export interface RelayRound {
  leader: boolean;
  published: number;
  failed: number;
  /** True when the round read a full batch, so more rows are probably waiting. */
  full: boolean;
}

export interface OutboxRelay {
  /** Starts the loop (and LISTEN). Resolves once started. */
  start(): Promise<void>;
  /** Finishes the current round, stops, gives up the lease. */
  stop(): Promise<void>;
  /** One round, without the loop: useful in tests and one-shot jobs. */
  runOnce(): Promise<RelayRound>;
}

interface OutboxRow {
  position: string;
  subject: string;
  aggregate: string;
  event: Event;
  attempts: number;
}

export function backoffDelayMs(attempts: number, options: BackoffOptions = {}): number {
  const { initialMs = 200, factor = 2, maxMs = 60_000 } = options;
  return Math.min(maxMs, initialMs * factor ** Math.max(0, attempts - 1));
}

const millis = (ms: number) => sql`(${ms}::double precision * interval '1 millisecond')`;

export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const db = options.database.db as Kysely<OutboxDatabase>;
  const batchSize = options.batchSize ?? 1000;
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const leaseTtlMs = options.leaseTtlMs ?? 30_000;
  const retentionMs = options.retentionMs ?? 24 * 60 * 60 * 1_000;
  const cleanupIntervalMs = options.cleanupIntervalMs ?? 60_000;
  const relayId = options.relayId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const onError = options.onError ?? (() => undefined);

  let nextCleanupAt = 0;

  // Take or renew the lease: succeeds when it is free, expired, or already ours. One statement, so
  // two replicas racing for an expired lease cannot both win.
  async function acquireLease(): Promise<boolean> {
    const row = await db
      .insertInto('outbox_relay_lease')
      .values({ id: 1, holder: relayId, expires_at: sql<Date>`clock_timestamp() + ${millis(leaseTtlMs)}` })
      .onConflict((conflict) =>
        conflict
          .column('id')
          .doUpdateSet({ holder: relayId, expires_at: (eb) => eb.ref('excluded.expires_at') })
          .where((eb) =>
            eb.or([
              eb('outbox_relay_lease.holder', '=', relayId),
              eb('outbox_relay_lease.expires_at', '<', sql<Date>`clock_timestamp()`),
            ]),
          ),
      )
      .returning('holder')
      .executeTakeFirst();
    return row !== undefined;
  }

  // Unsent rows in insert order, skipping every aggregate whose oldest unsent event is waiting for
  // a retry: its later events must not overtake it, and other aggregates must not wait behind it.
  function readBatch(): Promise<OutboxRow[]> {
    return db
      .selectFrom('outbox')
      .select(['position', 'subject', 'aggregate', 'event', 'attempts'])
      .where('sent_at', 'is', null)
      .where((eb) =>
        eb(
          'aggregate',
          'not in',
          eb
            .selectFrom('outbox as waiting')
            .select('waiting.aggregate')
            .where('waiting.sent_at', 'is', null)
            .where('waiting.next_attempt_at', '>', sql<Date>`clock_timestamp()`),
        ),
      )
      .orderBy('position')
      .limit(batchSize)
      .execute() as Promise<OutboxRow[]>;
  }

  async function runOnce(): Promise<RelayRound> {
    if (!(await acquireLease())) return { leader: false, published: 0, failed: 0, full: false };
    // Stop publishing well before the lease could expire, so that a replica taking over never
    // overlaps with us (unless this process stalls for longer than half the TTL mid-publish).
    const leaseSafeUntil = Date.now() + leaseTtlMs / 2;
    const rows = await readBatch();
    const blocked = new Set<string>();
    const sent: string[] = [];
    let published = 0;
    let failed = 0;
    for (const row of rows) {
      if (Date.now() > leaseSafeUntil) break;
      if (blocked.has(row.aggregate)) continue;
      try {
        await options.publish(row.subject, row.event);
      } catch (error) {
        failed++;
        blocked.add(row.aggregate);
        const attempts = row.attempts + 1;
        await db
          .updateTable('outbox')
          .set({
            attempts,
            next_attempt_at: sql<Date>`clock_timestamp() + ${millis(backoffDelayMs(attempts, options.backoff))}`,
            last_error: error instanceof Error ? error.message : String(error),
          })
          .where('position', '=', row.position)
          .execute();
        onError(error);
        continue;
      }
      sent.push(row.position);
      published++;
    }
    // One statement marks the round's published rows. A crash before it republishes them later with
    // the same ids: at-least-once. Consumers (and JetStream's Nats-Msg-Id window) de-duplicate on it.
    if (sent.length > 0) {
      await db
        .updateTable('outbox')
        .set({ sent_at: sql<Date>`clock_timestamp()`, attempts: sql<number>`attempts + 1`, last_error: null })
        .where('position', 'in', sent)
        .where('sent_at', 'is', null) // a successor that took over may have marked them already
        .execute();
    }
    if (Date.now() >= nextCleanupAt) {
      nextCleanupAt = Date.now() + cleanupIntervalMs;
      await db
        .deleteFrom('outbox')
        .where('sent_at', '<', sql<Date>`clock_timestamp() - ${millis(retentionMs)}`)
        .execute();
    }
    return { leader: true, published, failed, full: rows.length === batchSize };
  }

  let running: Promise<void> | undefined;
  let stopping = false;
  let wake: (() => void) | undefined;
  let pendingWake = false;
  let unlisten: (() => Promise<void>) | undefined;

  const wakeUp = () => {
    pendingWake = true;
    wake?.();
  };

  const idle = (ms: number) =>
    new Promise<void>((resolve) => {
      if (pendingWake || stopping) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  async function loop(): Promise<void> {
    while (!stopping) {
      pendingWake = false;
      let round: RelayRound | undefined;
      try {
        round = await runOnce();
      } catch (error) {
        onError(error); // e.g. UnavailableError while the database restarts: try again next round
      }
      if (stopping) break;
      if (round?.full && round.published + round.failed > 0) continue;
      await idle(pollIntervalMs);
    }
  }

  return {
    runOnce,
    async start() {
      if (running !== undefined) return;
      stopping = false;
      try {
        unlisten = await options.database.listen(OUTBOX_CHANNEL, wakeUp);
      } catch (error) {
        onError(error); // polling alone still delivers everything, only later
      }
      running = loop();
    },
    async stop() {
      if (running === undefined) return;
      stopping = true;
      wake?.();
      await running;
      running = undefined;
      await unlisten?.().catch(onError);
      unlisten = undefined;
      // Hand over at once instead of making another replica wait for the lease to expire.
      await db.deleteFrom('outbox_relay_lease').where('holder', '=', relayId).execute().catch(onError);
    },
  };
}
