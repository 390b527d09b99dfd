// Production adapter: PostgreSQL through a node-postgres pool, queried with Kysely.
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { instrumentDialect, type QueryCounter } from './instrumented-dialect.ts';
import type { PostgresDatabaseOptions, RelationalDatabase } from './port.ts';
import { listenWithReconnect } from './postgres-listener.ts';

const INT8_OID = 20;

// 64-bit ids must never pass through a JavaScript number (53-bit mantissa). node-postgres already
// returns int8 as a string by default, but that default is a process-wide setting any library can
// change with pg.types.setTypeParser; a per-pool parser table keeps this pool correct regardless.
const typeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID
      ? (value: string) => value
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

function databaseNameOf(connectionString: string): string {
  const path = new URL(connectionString).pathname.replace(/^\//, '');
  return path === '' ? 'postgres' : decodeURIComponent(path);
}

export function createPostgresDatabase<DB>(options: PostgresDatabaseOptions): RelationalDatabase<DB> {
  const name = options.name ?? databaseNameOf(options.connectionString);
  const clientConfig: pg.ClientConfig = {
    connectionString: options.connectionString,
    application_name: options.applicationName ?? 'scalegram',
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
    types: typeParsers,
  };
  const statementTimeout = options.statementTimeoutMs ?? 10_000;
  if (statementTimeout > 0) clientConfig.statement_timeout = statementTimeout;

  const pool = new pg.Pool({
    ...clientConfig,
    max: options.poolMax ?? 10,
    idleTimeoutMillis: options.idleTimeoutMs ?? 30_000,
  });
  // An idle pooled client whose server goes away emits 'error' on the pool; without a listener
  // Node would crash the process. The pool discards that client and connects a new one on demand.
  pool.on('error', (error) => options.onIdleError?.(error));

  const counter: QueryCounter = { count: 0 };
  const db = new Kysely<DB>({ dialect: instrumentDialect(new PostgresDialect({ pool }), counter, name) });
  const stopListeners = new Set<() => Promise<void>>();
  let closed: Promise<void> | undefined;

  return {
    name,
    db,
    transaction: (fn) => db.transaction().execute(fn),
    async ping() {
      await sql`select 1`.execute(db);
    },
    async listen(channel, onNotification) {
      // LISTEN needs a connection of its own for as long as it listens, outside the pool.
      const stop = await listenWithReconnect(name, clientConfig, channel, onNotification, options.onIdleError);
      const remove = async () => {
        stopListeners.delete(remove);
        await stop();
      };
      stopListeners.add(remove);
      return remove;
    },
    queryCount: () => counter.count,
    close() {
      closed ??= (async () => {
        await Promise.all([...stopListeners].map((stop) => stop()));
        await db.destroy(); // ends the pool
      })();
      return closed;
    },
  };
}
