// What only a multi-connection server can show: concurrent migration runs (two deploy jobs racing).

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createScratchDatabases, type ScratchDatabases } from '@scalegram/test-support/scratch-databases';
import { sql } from 'kysely';
import { migrate } from '../src/migrate.ts';
import type { RelationalDatabase } from '../src/port.ts';
import { createPostgresDatabase } from '../src/postgres-database.ts';
import { MIGRATIONS, type TestDatabase } from './contract/relational-contract.ts';

describe('migrations on PostgreSQL', () => {
  let server: ScratchDatabases;
  let url: string;
  let first: RelationalDatabase<TestDatabase>;
  let second: RelationalDatabase<TestDatabase>;

  beforeAll(async () => {
    server = await createScratchDatabases('sg_test');
    url = server.urls[0] as string;
    // Two pools stand for two processes (e.g. two replicas' migration jobs).
    first = createPostgresDatabase({ connectionString: url, poolMax: 2 });
    second = createPostgresDatabase({ connectionString: url, poolMax: 2 });
  });

  afterAll(async () => {
    await Promise.all([first?.close(), second?.close()]);
    await server?.drop();
  });

  it('applies each migration exactly once when two runs race', async () => {
    const [a, b] = await Promise.all([migrate(first, MIGRATIONS), migrate(second, MIGRATIONS)]);
    expect([...a, ...b].sort()).toEqual(['0001_create_users', '0002_add_bio', '0010_create_follows']);
    // The lock serialises the runs: one applies everything, the other finds nothing left to do.
    expect([a.length, b.length].sort()).toEqual([0, 3]);
    const log = await sql<{ step: string }>`select step from migration_log order by step`.execute(first.db);
    expect(log.rows.map((row) => row.step)).toEqual(['0001', '0002', '0010']);
  });
});
