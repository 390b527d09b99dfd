// The Relational DB building block's port: a Kysely handle plus the few lifecycle operations a
// service needs. Services write their repositories directly against `db` (Kysely is already the
// abstraction over SQL); the port only adds what Kysely does not know about: health, shutdown,
// LISTEN/NOTIFY wake-ups and per-database query counts.
import type { Kysely, Transaction } from 'kysely';

export interface RelationalDatabase<DB> {
  /** Human-readable label (database name or "pglite:memory"), used in logs, errors and metrics. */
  readonly name: string;
  /** Set when the database is one schema of a shared engine (the embedded runner's PGlite). */
  readonly schema?: string;
  /** The type-safe query builder. Every query goes through the adapter's error mapping. */
  readonly db: Kysely<DB>;
  /**
   * Runs `fn` in one transaction: committed when `fn` resolves, rolled back when it throws.
   * Do not use `db` inside `fn` (use `trx`): on PGlite, and on Postgres with poolMax 1, the only
   * connection is held by the transaction and the outer query would wait for ever.
   */
  transaction<T>(fn: (trx: Transaction<DB>) => Promise<T>): Promise<T>;
  /** Round-trips a trivial query; rejects with `UnavailableError` when the database is unreachable. */
  ping(): Promise<void>;
  /**
   * Calls `onNotification` on every `NOTIFY channel` (delivered after the notifying transaction
   * commits). Resolves once listening; the returned function stops listening.
   */
  listen(channel: string, onNotification: () => void): Promise<() => Promise<void>>;
  /** Number of statements sent to this database so far (including failed ones). */
  queryCount(): number;
  /** Closes every connection. Idempotent. */
  close(): Promise<void>;
}

export interface PostgresDatabaseOptions {
  /** e.g. postgres://user:password@host:5432/db */
  connectionString: string;
  /** Maximum pooled connections (default 10). Size it so replicas × poolMax stays under max_connections. */
  poolMax?: number;
  /** Server-side `statement_timeout` for every pooled connection (default 10 000 ms; 0 disables). */
  statementTimeoutMs?: number;
  /** How long to wait for a free pooled connection or a new TCP connection (default 5 000 ms). */
  connectionTimeoutMs?: number;
  /** Idle pooled connections are closed after this long (default 30 000 ms). */
  idleTimeoutMs?: number;
  /** Shown in pg_stat_activity (default "scalegram"). */
  applicationName?: string;
  /** Label for logs and metrics (default: the database name from the connection string). */
  name?: string;
  /** Errors on idle pooled connections (e.g. the server restarted). Default: ignored, the pool replaces them. */
  onIdleError?: (error: Error) => void;
}

export interface PgliteDatabaseOptions {
  /** Directory for a persistent database; undefined keeps everything in memory. */
  dataDir?: string;
  /** Label for logs and metrics (default "pglite:memory" or "pglite:<dataDir>"). */
  name?: string;
}
