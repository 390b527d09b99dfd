// Uniquely named databases on the local PostgreSQL for the user and post services a test runs, dropped
// afterwards.
import { randomBytes } from 'node:crypto';
import { createPostgresDatabase } from '@scalegram/relational/postgres-database';
import { sql } from 'kysely';

const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabases {
  urls: string[];
  drop(): Promise<void>;
}

export async function createTestDatabases(count: number): Promise<TestDatabases> {
  const run = randomBytes(5).toString('hex');
  const names = Array.from({ length: count }, (_, index) => `sg_feed_test_${run}_${index}`);
  const admin = createPostgresDatabase<unknown>({ connectionString: ADMIN_URL, poolMax: 1 });
  for (const name of names) await sql.raw(`create database ${name}`).execute(admin.db);
  return {
    urls: names.map((name) => {
      const url = new URL(ADMIN_URL);
      url.pathname = `/${name}`;
      return url.toString();
    }),
    async drop() {
      for (const name of names) await sql.raw(`drop database if exists ${name} with (force)`).execute(admin.db);
      await admin.close();
    },
  };
}
