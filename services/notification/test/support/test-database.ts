// A uniquely named database on the local PostgreSQL for one test file, migrated, dropped afterwards.
import { randomBytes } from 'node:crypto';
import type { RelationalDatabase } from '@scalegram/relational/port';
import { createPostgresDatabase } from '@scalegram/relational/postgres-database';
import { sql } from 'kysely';
import { migrateNotificationDatabase } from '../../src/store/migrate-notification-database.ts';
import type { NotificationDatabase } from '../../src/store/schema.ts';

const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  database: RelationalDatabase<NotificationDatabase>;
  url: string;
  /** Another pool on the same database (a second replica). */
  connect(): RelationalDatabase<NotificationDatabase>;
  drop(): Promise<void>;
}

export async function createTestDatabase(options: { poolMax?: number } = {}): Promise<TestDatabase> {
  const name = `sg_notification_test_${randomBytes(6).toString('hex')}`;
  const admin = createPostgresDatabase<unknown>({ connectionString: ADMIN_URL, poolMax: 1 });
  await sql.raw(`create database ${name}`).execute(admin.db);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const connect = () =>
    createPostgresDatabase<NotificationDatabase>({ connectionString: url.toString(), poolMax: options.poolMax ?? 3 });
  const database = connect();
  await migrateNotificationDatabase(database);
  return {
    database,
    url: url.toString(),
    connect,
    async drop() {
      await database.close();
      await sql.raw(`drop database if exists ${name} with (force)`).execute(admin.db);
      await admin.close();
    },
  };
}
