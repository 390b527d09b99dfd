// Embedded adapter: PGlite, the real PostgreSQL compiled to WebAssembly, running in this process.
// Same SQL, same migrations, same Kysely dialect family as production; one connection per process.
import { mkdir } from 'node:fs/promises';
import { PGlite, types } from '@electric-sql/pglite';
import { Kysely, type PGlite as KyselyPGlite, PGliteDialect, type PGliteQueryResults, sql } from 'kysely';
import { instrumentDialect, type QueryCounter } from './instrumented-dialect.ts';
import { queryLikeNodePostgres } from './pglite-query.ts';
import type { PgliteDatabaseOptions, RelationalDatabase } from './port.ts';

// The object Kysely's PGliteDialect drives: PGlite itself, with `query` re-routed as above, both
// outside and inside transactions.
function kyselyFacade(pglite: PGlite): KyselyPGlite {
  return {
    get closed() {
      return pglite.closed;
    },
    get ready() {
      return pglite.ready;
    },
    waitReady: pglite.waitReady,
    close: () => pglite.close(),
    query: async <T>(text: string, params?: unknown[]) =>
      (await queryLikeNodePostgres(pglite, text, params)) as PGliteQueryResults<T>,
    transaction: (callback) =>
      pglite.transaction((tx) =>
        callback({
          query: async <T>(text: string, params?: unknown[]) =>
            (await queryLikeNodePostgres(tx, text, params)) as PGliteQueryResults<T>,
          rollback: () => tx.rollback(),
        }),
      ),
  };
}

export async function createPgliteDatabase<DB>(options: PgliteDatabaseOptions = {}): Promise<RelationalDatabase<DB>> {
  const name = options.name ?? (options.dataDir === undefined ? 'pglite:memory' : `pglite:${options.dataDir}`);
  // PGlite creates its own directory but not the parents (e.g. a fresh DATA_DIR/<service>/db).
  if (options.dataDir !== undefined) await mkdir(options.dataDir, { recursive: true });
  const pglite = await PGlite.create({
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    // PGlite parses int8 to BigInt by default; node-postgres returns strings. Return strings here
    // too, so both adapters hand services the same type for 64-bit ids and counts.
    parsers: { [types.INT8]: (value: string) => value },
  });

  const counter: QueryCounter = { count: 0 };
  const dialect = new PGliteDialect({ pglite: kyselyFacade(pglite) });
  const db = new Kysely<DB>({ dialect: instrumentDialect(dialect, counter, name) });
  let closed: Promise<void> | undefined;

  return {
    name,
    db,
    transaction: (fn) => db.transaction().execute(fn),
    async ping() {
      await sql`select 1`.execute(db);
    },
    async listen(channel, onNotification) {
      return pglite.listen(channel, () => onNotification());
    },
    queryCount: () => counter.count,
    close() {
      closed ??= db.destroy(); // closes PGlite (and flushes dataDir)
      return closed;
    },
  };
}
