// One PGlite engine shared by several services, one PostgreSQL schema each — the embedded runner's
// way to keep the whole system inside its memory budget. Each PGlite instance is a full PostgreSQL in
// WebAssembly and costs roughly 100–300 MB resident; five services with one each would blow the
// laptop budget on databases alone (docs/adr/0026-embedded-runner.md). One engine with a schema per
// service is the embedded equivalent of one PostgreSQL server with a database per service, which is
// what local-infrastructure mode uses: each service still sees only its own tables, runs its own
// migrations (recorded in its own schema) and its own transactions.
//
// How the schemas stay apart on one connection: every statement and every transaction of a tenant
// runs under one engine-wide lock that first switches `search_path` to the tenant's schema when the
// previous holder was another tenant. PGlite already runs one statement or transaction at a time, so
// the lock costs no concurrency that existed before.
import { mkdir } from 'node:fs/promises';
import { PGlite, types } from '@electric-sql/pglite';
import { Kysely, type PGlite as KyselyPGlite, PGliteDialect, type PGliteQueryResults, sql } from 'kysely';
import { instrumentDialect, type QueryCounter } from './instrumented-dialect.ts';
import { queryLikeNodePostgres } from './pglite-query.ts';
import type { RelationalDatabase } from './port.ts';

export interface PgliteEngineOptions {
  /** Directory for a persistent engine; undefined keeps everything in memory. */
  dataDir?: string;
  /**
   * PostgreSQL's shared_buffers inside the engine (default 16MB). PostgreSQL's own default, 128MB,
   * is sized for a server; an embedded engine serving a laptop demo does not need it resident.
   */
  sharedBuffers?: string;
}

export interface PgliteEngine {
  /** A tenant: the port for one service, confined to `schema` (created when missing). */
  database<DB>(schema: string): Promise<RelationalDatabase<DB> & { readonly schema: string }>;
  /** Closes the engine (and flushes its directory). Tenants' `close()` does not. Idempotent. */
  close(): Promise<void>;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** A FIFO async lock: `run` calls execute one at a time in call order. */
function createLock() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const result = tail.then(fn, fn);
    tail = result.catch(() => undefined);
    return result;
  };
}

export async function createPgliteEngine(options: PgliteEngineOptions = {}): Promise<PgliteEngine> {
  if (options.dataDir !== undefined) await mkdir(options.dataDir, { recursive: true });
  const pglite = await PGlite.create({
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    // Same as the single-tenant adapter: 64-bit integers as strings, like node-postgres.
    parsers: { [types.INT8]: (value: string) => value },
    startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${options.sharedBuffers ?? '16MB'}`],
  });
  const lock = createLock();
  let activeSchema: string | undefined;
  let closed: Promise<void> | undefined;

  /** Runs `fn` holding the engine, with `search_path` on `schema`. */
  const within = <T>(schema: string, fn: () => Promise<T>) =>
    lock(async () => {
      if (activeSchema !== schema) {
        // Unset first: if the SET fails, the next holder must not trust a half-switched connection.
        activeSchema = undefined;
        await pglite.exec(`SET search_path TO "${schema}"`);
        activeSchema = schema;
      }
      return fn();
    });

  const facade = (schema: string): KyselyPGlite => ({
    get closed() {
      return pglite.closed;
    },
    get ready() {
      return pglite.ready;
    },
    waitReady: pglite.waitReady,
    // Kysely closes its dialect on destroy; a tenant never closes the shared engine.
    close: async () => undefined,
    query: <T>(text: string, params?: unknown[]) =>
      within(schema, async () => (await queryLikeNodePostgres(pglite, text, params)) as PGliteQueryResults<T>),
    transaction: (callback) =>
      within(schema, () =>
        pglite.transaction((tx) =>
          callback({
            query: async <T>(text: string, params?: unknown[]) =>
              (await queryLikeNodePostgres(tx, text, params)) as PGliteQueryResults<T>,
            rollback: () => tx.rollback(),
          }),
        ),
      ),
  });

  return {
    async database<DB>(schema: string) {
      if (!SCHEMA_NAME.test(schema)) throw new RangeError(`invalid schema name: ${schema}`);
      await lock(() => pglite.exec(`CREATE SCHEMA IF NOT EXISTS "${schema}"`));
      const name = options.dataDir === undefined ? `pglite:memory/${schema}` : `pglite:${options.dataDir}/${schema}`;
      const counter: QueryCounter = { count: 0 };
      const dialect = new PGliteDialect({ pglite: facade(schema) });
      const db = new Kysely<DB>({ dialect: instrumentDialect(dialect, counter, name) });
      let tenantClosed: Promise<void> | undefined;
      const tenant: RelationalDatabase<DB> & { readonly schema: string } = {
        name,
        schema,
        db,
        transaction: (fn) => db.transaction().execute(fn),
        async ping() {
          await sql`select 1`.execute(db);
        },
        // Channels are engine-wide: another tenant's NOTIFY on the same channel is a spurious wake-up,
        // which listeners (the outbox relays) already tolerate.
        listen: (channel, onNotification) => pglite.listen(channel, () => onNotification()),
        queryCount: () => counter.count,
        close() {
          tenantClosed ??= db.destroy();
          return tenantClosed;
        },
      };
      return tenant;
    },
    close() {
      closed ??= pglite.close();
      return closed;
    },
  };
}
