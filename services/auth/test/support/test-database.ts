// A throw-away database on the shared local PostgreSQL per test file, migrated, dropped afterwards.
import { migrate } from '@scalegram/relational/migrate';
import type { RelationalDatabase } from '@scalegram/relational/port';
import { createPostgresDatabase } from '@scalegram/relational/postgres-database';
import { createScratchDatabases } from '@scalegram/test-support/scratch-databases';
import { MIGRATIONS_DIR } from '../../src/migrations-dir.ts';
import type { AuthDatabase } from '../../src/store/schema.ts';

export interface TestDatabase {
  database: RelationalDatabase<AuthDatabase>;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const scratch = await createScratchDatabases('sg_auth_test');
  const database = createPostgresDatabase<AuthDatabase>({ connectionString: scratch.urls[0] as string });
  await migrate(database, MIGRATIONS_DIR);
  return {
    database,
    async drop() {
      await database.close();
      await scratch.drop();
    },
  };
}

/** Rows per table: what the "nothing written" assertions compare. */
export async function rowCounts(database: RelationalDatabase<AuthDatabase>) {
  const count = async (table: keyof AuthDatabase) =>
    Number(
      (
        await database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    credentials: await count('credentials'),
    families: await count('refresh_families'),
    tokens: await count('refresh_tokens'),
  };
}
