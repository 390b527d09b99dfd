// A uniquely named database on the local PostgreSQL for one test file, migrated, dropped afterwards.
import type { RelationalDatabase } from '@scalegram/relational/port';
import { createPostgresDatabase } from '@scalegram/relational/postgres-database';
import { createScratchDatabases } from '@scalegram/test-support/scratch-databases';
import { migrateNotificationDatabase } from '../../src/store/migrate-notification-database.ts';
import type { NotificationDatabase } from '../../src/store/schema.ts';

export interface TestDatabase {
  database: RelationalDatabase<NotificationDatabase>;
  url: string;
  /** Another pool on the same database (a second replica). */
  connect(): RelationalDatabase<NotificationDatabase>;
  drop(): Promise<void>;
}

export async function createTestDatabase(options: { poolMax?: number } = {}): Promise<TestDatabase> {
  const scratch = await createScratchDatabases('sg_notification_test');
  const url = scratch.urls[0] as string;
  const connect = () =>
    createPostgresDatabase<NotificationDatabase>({ connectionString: url, poolMax: options.poolMax ?? 3 });
  const database = connect();
  await migrateNotificationDatabase(database);
  return {
    database,
    url,
    connect,
    async drop() {
      await database.close();
      await scratch.drop();
    },
  };
}
