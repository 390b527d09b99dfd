// A throw-away database on the shared local PostgreSQL per test file, migrated, dropped afterwards.
import { randomBytes } from 'node:crypto';
import { migrate } from '@scalegram/relational/migrate';
import type { RelationalDatabase } from '@scalegram/relational/port';
import { createPostgresDatabase } from '@scalegram/relational/postgres-database';
import { sql } from 'kysely';
import { MIGRATIONS_DIR } from '../../src/migrations-dir.ts';
import type { AuthDatabase } from '../../src/store/schema.ts';

const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function admin(statement: string): Promise<void> {
  const database = createPostgresDatabase<unknown>({ connectionString: ADMIN_URL, poolMax: 1 });
  try {
    await sql.raw(statement).execute(database.db);
  } finally {
    await database.close();
  }
}

export interface TestDatabase {
  database: RelationalDatabase<AuthDatabase>;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `sg_auth_test_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const database = createPostgresDatabase<AuthDatabase>({ connectionString: url.toString() });
  await migrate(database, MIGRATIONS_DIR);
  return {
    database,
    async drop() {
      await database.close();
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
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
