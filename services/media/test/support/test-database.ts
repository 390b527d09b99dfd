// A uniquely named database on the local PostgreSQL for one test file, migrated, dropped afterwards.
import type { RelationalDatabase } from '@scalegram/relational/port';
import { createPostgresDatabase } from '@scalegram/relational/postgres-database';
import { createScratchDatabases } from '@scalegram/test-support/scratch-databases';
import { migrateMediaDatabase } from '../../src/store/migrate-media-database.ts';
import type { MediaDatabase } from '../../src/store/schema.ts';

export interface TestDatabase {
  database: RelationalDatabase<MediaDatabase>;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const scratch = await createScratchDatabases('sg_media_test');
  const database = createPostgresDatabase<MediaDatabase>({ connectionString: scratch.urls[0] as string, poolMax: 5 });
  await migrateMediaDatabase(database);
  return {
    database,
    async drop() {
      await database.close();
      await scratch.drop();
    },
  };
}
