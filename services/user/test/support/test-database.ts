// A uniquely named database on the local PostgreSQL for one test file, migrated, dropped afterwards.
import type { RelationalDatabase } from '@scalegram/relational/port';
import { createPostgresDatabase } from '@scalegram/relational/postgres-database';
import { createScratchDatabases } from '@scalegram/test-support/scratch-databases';
import { migrateUserDatabase } from '../../src/store/migrate-user-database.ts';
import type { UserDatabase } from '../../src/store/schema.ts';

export interface TestDatabase {
  database: RelationalDatabase<UserDatabase>;
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(options: { poolMax?: number } = {}): Promise<TestDatabase> {
  const scratch = await createScratchDatabases('sg_user_test');
  const url = scratch.urls[0] as string;
  const database = createPostgresDatabase<UserDatabase>({
    connectionString: url,
    poolMax: options.poolMax ?? 10,
  });
  await migrateUserDatabase(database);
  return {
    database,
    url,
    async drop() {
      await database.close();
      await scratch.drop();
    },
  };
}
