import { describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { openDatabase } from '../src/open-database.ts';

const POSTGRES_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function serverVersion(url: string | undefined): Promise<string> {
  const database = await openDatabase<Record<string, never>>({ url });
  try {
    const { rows } = await sql<{ version: string }>`select version()`.execute(database.db);
    return rows[0]?.version ?? '';
  } finally {
    await database.close();
  }
}

describe('openDatabase', () => {
  it('opens PostgreSQL when a URL is configured', async () => {
    const version = await serverVersion(POSTGRES_URL);
    expect(version).toMatch(/^PostgreSQL/);
    expect(version).not.toMatch(/emscripten|wasm/i);
  });

  it('opens the embedded PGlite when no URL is configured', async () => {
    expect(await serverVersion(undefined)).toMatch(/emscripten|wasm/i);
  });
});
