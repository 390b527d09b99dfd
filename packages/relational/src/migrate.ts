// Applies a service's SQL migrations with Kysely's Migrator, identically on Postgres and PGlite.
// The Migrator takes a database-wide lock (pg_advisory_lock on Postgres; PGlite has one connection),
// records applied migrations in `kysely_migration`, skips what is already applied, refuses to run
// when an applied migration's file has disappeared or a new file sorts before an applied one, and
// runs all pending migrations of one call in ONE transaction: a failure leaves nothing applied.
import { Migrator } from 'kysely/migration';
import type { RelationalDatabase } from './port.ts';
import { SqlFileMigrationProvider, type SqlMigration } from './sql-migration-provider.ts';

export interface MigrateOptions {
  /** Migrations shipped by packages rather than files, e.g. `outboxMigration`. */
  extra?: readonly SqlMigration[];
}

export class MigrationError extends Error {
  override name = 'MigrationError';
  /** The migration that failed, when one did (undefined when the run was refused before starting). */
  readonly migration: string | undefined;
  constructor(message: string, migration: string | undefined, cause: unknown) {
    super(message, { cause });
    this.migration = migration;
  }
}

/**
 * Applies every pending migration from `folder` (plus `options.extra`) in name order and returns
 * the names applied by this call (empty when already up to date).
 */
export async function migrate<DB>(
  database: RelationalDatabase<DB>,
  folder: string,
  options: MigrateOptions = {},
): Promise<string[]> {
  const migrator = new Migrator({
    db: database.db,
    // In a shared engine, each tenant records its migrations in its own schema: unqualified, Kysely
    // would find another tenant's kysely_migration table and skip creating its own.
    ...(database.schema === undefined ? {} : { migrationTableSchema: database.schema }),
    provider: new SqlFileMigrationProvider(folder, options.extra),
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((result) => result.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : String(error);
    const message =
      failed === undefined
        ? `migrations refused on ${database.name}: ${reason}`
        : `migration ${failed} failed on ${database.name}, nothing applied: ${reason}`;
    throw new MigrationError(message, failed, error);
  }
  return results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
