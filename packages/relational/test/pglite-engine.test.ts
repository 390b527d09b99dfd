// What the shared engine adds over a PGlite per service: tenants are isolated from each other (same
// table names, separate rows, separate migration records), interleaved work of two tenants never runs
// in the wrong schema, and a persistent engine keeps every tenant across a reopen.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { migrate } from '../src/migrate.ts';
import { createPgliteEngine, type PgliteEngine } from '../src/pglite-engine.ts';
import { MIGRATIONS, type TestDatabase } from './contract/relational-contract.ts';

describe('shared PGlite engine', () => {
  let engine: PgliteEngine;

  beforeAll(async () => {
    engine = await createPgliteEngine();
  });

  afterAll(async () => {
    await engine.close();
  });

  it('gives each tenant its own tables and migration records', async () => {
    const auth = await engine.database<TestDatabase>('iso_auth');
    const user = await engine.database<TestDatabase>('iso_user');
    expect(await migrate(auth, MIGRATIONS)).toHaveLength(3);
    // Same migrations in the second schema: applied again there, not skipped as "already applied".
    expect(await migrate(user, MIGRATIONS)).toHaveLength(3);
    expect(await migrate(auth, MIGRATIONS)).toEqual([]);

    await auth.db.insertInto('users').values({ id: '1', username: 'only-in-auth' }).execute();
    await user.db.insertInto('users').values({ id: '1', username: 'only-in-user' }).execute();
    expect(await auth.db.selectFrom('users').select('username').execute()).toEqual([{ username: 'only-in-auth' }]);
    expect(await user.db.selectFrom('users').select('username').execute()).toEqual([{ username: 'only-in-user' }]);
    const schemas = await sql<{ table_schema: string }>`
      select table_schema from information_schema.tables where table_name = 'users' order by table_schema`.execute(
      auth.db,
    );
    expect(schemas.rows.map((row) => row.table_schema)).toEqual(['iso_auth', 'iso_user']);
  });

  it('keeps interleaved statements and transactions of two tenants in their own schemas', async () => {
    const a = await engine.database<TestDatabase>('mix_a');
    const b = await engine.database<TestDatabase>('mix_b');
    await Promise.all([migrate(a, MIGRATIONS), migrate(b, MIGRATIONS)]);

    const work = Array.from({ length: 40 }, (_, i) => {
      const target = i % 2 === 0 ? a : b;
      const id = String(1000 + i);
      return i % 4 < 2
        ? target.db
            .insertInto('users')
            .values({ id, username: `u${id}` })
            .execute()
        : target.transaction(async (trx) => {
            await trx
              .insertInto('users')
              .values({ id, username: `u${id}` })
              .execute();
            await trx
              .insertInto('migration_log')
              .values({ step: `tx-${id}` })
              .execute();
          });
    });
    await Promise.all(work);

    const idsOf = async (target: typeof a) =>
      (await target.db.selectFrom('users').select('id').orderBy('id').execute()).map((row) => Number(row.id));
    expect(await idsOf(a)).toEqual(Array.from({ length: 20 }, (_, k) => 1000 + 2 * k));
    expect(await idsOf(b)).toEqual(Array.from({ length: 20 }, (_, k) => 1001 + 2 * k));
  });

  it('rolls a failed transaction back in its own schema only', async () => {
    const a = await engine.database<TestDatabase>('rb_a');
    const b = await engine.database<TestDatabase>('rb_b');
    await Promise.all([migrate(a, MIGRATIONS), migrate(b, MIGRATIONS)]);
    const failing = a.transaction(async (trx) => {
      await trx.insertInto('users').values({ id: '7', username: 'gone' }).execute();
      throw new Error('boom');
    });
    const succeeding = b.db.insertInto('users').values({ id: '7', username: 'kept' }).execute();
    await expect(failing).rejects.toThrow('boom');
    await succeeding;
    expect(await a.db.selectFrom('users').selectAll().execute()).toEqual([]);
    expect(await b.db.selectFrom('users').select('username').execute()).toEqual([{ username: 'kept' }]);
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    await expect(engine.database('bad"name')).rejects.toThrow(RangeError);
  });
});

describe('shared PGlite engine with a data directory', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sg-engine-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps every tenant across a close and reopen', async () => {
    const first = await createPgliteEngine({ dataDir });
    for (const schema of ['keep_a', 'keep_b']) {
      const tenant = await first.database<TestDatabase>(schema);
      await migrate(tenant, MIGRATIONS);
      await tenant.db.insertInto('users').values({ id: '1', username: schema }).execute();
      await tenant.close();
    }
    await first.close();

    const second = await createPgliteEngine({ dataDir });
    try {
      for (const schema of ['keep_a', 'keep_b']) {
        const tenant = await second.database<TestDatabase>(schema);
        expect(await migrate(tenant, MIGRATIONS)).toEqual([]);
        expect(await tenant.db.selectFrom('users').select('username').execute()).toEqual([{ username: schema }]);
      }
    } finally {
      await second.close();
    }
  });
});
