// How a service's server.ts picks its relational adapter: PostgreSQL when a connection string is
// configured (local infrastructure, Kubernetes), PGlite otherwise (the embedded, zero-infrastructure
// default) — the same SQL and migrations either way.
import { createPgliteDatabase } from './pglite-database.ts';
import type { PgliteEngine } from './pglite-engine.ts';
import type { PostgresDatabaseOptions, RelationalDatabase } from './port.ts';
import { createPostgresDatabase } from './postgres-database.ts';

export interface OpenDatabaseOptions extends Partial<Omit<PostgresDatabaseOptions, 'connectionString'>> {
  /** PostgreSQL connection string; when absent the embedded PGlite is used. */
  url?: string | undefined;
  /** Where PGlite keeps its files; absent means in memory (gone when the process stops). */
  dataDir?: string | undefined;
  /** Without a URL: a schema of this shared engine instead of a PGlite of the service's own. */
  engine?: { engine: PgliteEngine; schema: string } | undefined;
}

export async function openDatabase<DB>(options: OpenDatabaseOptions): Promise<RelationalDatabase<DB>> {
  const { url, dataDir, engine, ...postgres } = options;
  if (url) return createPostgresDatabase<DB>({ ...postgres, connectionString: url });
  if (engine !== undefined) return engine.engine.database<DB>(engine.schema);
  return createPgliteDatabase<DB>(dataDir === undefined ? {} : { dataDir });
}
