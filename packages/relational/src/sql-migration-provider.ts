// A Kysely MigrationProvider over plain SQL files: `migrations/0001_create_users.sql`, … Plain SQL
// keeps migrations readable by anyone (and by psql), and identical for Postgres and PGlite.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import type { Migration, MigrationProvider } from 'kysely/migration';

/** A migration given as SQL text rather than a file, e.g. the outbox table this package ships. */
export interface SqlMigration {
  /** Sorts with the file names, e.g. "0000_outbox". */
  name: string;
  sql: string;
}

/** `0001_create_users.sql`: a zero-padded number (so names sort in order), an underscore, a snake_case title. */
export const MIGRATION_FILE_PATTERN = /^(\d{4,})_([a-z0-9_]+)\.sql$/;

function sqlMigration(script: string): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // Migrations run in a job, not a request: lift the pool's statement_timeout for this
      // transaction only, so building an index on a large table is not cancelled half-way.
      await sql`select set_config('statement_timeout', '0', true)`.execute(db);
      // A parameterless statement goes through the simple query protocol on both adapters, so a
      // file may contain several statements.
      await sql.raw(script).execute(db);
    },
    // No automatic down migrations: in production we roll forward with a new migration.
  };
}

export class SqlFileMigrationProvider implements MigrationProvider {
  readonly #folder: string;
  readonly #extra: readonly SqlMigration[];

  constructor(folder: string, extra: readonly SqlMigration[] = []) {
    this.#folder = folder;
    this.#extra = extra;
  }

  async getMigrations(): Promise<Record<string, Migration>> {
    const migrations: Record<string, Migration> = {};
    for (const migration of this.#extra) migrations[migration.name] = sqlMigration(migration.sql);
    const files = (await readdir(this.#folder)).filter((file) => file.endsWith('.sql')).sort();
    for (const file of files) {
      if (!MIGRATION_FILE_PATTERN.test(file)) {
        throw new Error(`migration file ${file} in ${this.#folder} does not match NNNN_title.sql`);
      }
      const name = file.slice(0, -'.sql'.length);
      if (name in migrations) throw new Error(`duplicate migration name ${name}`);
      migrations[name] = sqlMigration(await readFile(join(this.#folder, file), 'utf8'));
    }
    return migrations;
  }
}
