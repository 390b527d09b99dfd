// PGlite with a data directory: what the embedded default keeps between two runs on a laptop.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { migrate } from '../src/migrate.ts';
import { createPgliteDatabase } from '../src/pglite-database.ts';
import { MIGRATIONS, type TestDatabase } from './contract/relational-contract.ts';

describe('PGlite with a data directory', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sg-pglite-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps applied migrations and rows across a close and reopen', async () => {
    const first = await createPgliteDatabase<TestDatabase>({ dataDir });
    expect(first.name).toBe(`pglite:${dataDir}`);
    expect(await migrate(first, MIGRATIONS)).toHaveLength(3);
    await first.db.insertInto('users').values({ id: '9007199254740993', username: 'kept' }).execute();
    await first.close();

    const second = await createPgliteDatabase<TestDatabase>({ dataDir });
    try {
      expect(await migrate(second, MIGRATIONS)).toEqual([]);
      const rows = await second.db.selectFrom('users').select(['id', 'username']).execute();
      expect(rows).toEqual([{ id: '9007199254740993', username: 'kept' }]);
    } finally {
      await second.close();
    }
  });

  it('creates a data directory whose parents do not exist yet (a fresh DATA_DIR)', async () => {
    const nested = join(dataDir, 'fresh', 'service', 'db');
    const database = await createPgliteDatabase<TestDatabase>({ dataDir: nested });
    try {
      expect(await migrate(database, MIGRATIONS)).toHaveLength(3);
    } finally {
      await database.close();
    }
  });
});
