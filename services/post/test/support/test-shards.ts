// N uniquely named databases on the local PostgreSQL, behind a shard router, migrated, dropped afterwards.
import { randomBytes } from 'node:crypto';
import { createPostgresDatabase } from '@scalegram/relational/postgres-database';
import type { ShardRouter } from '@scalegram/relational/shard-router';
import { closeAll, createShardedDatabases } from '@scalegram/relational/sharded-postgres';
import { sql } from 'kysely';
import { migratePostShards } from '../../src/store/migrate-post-shards.ts';
import type { PostDatabase } from '../../src/store/schema.ts';

export const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestShards {
  router: ShardRouter<PostDatabase>;
  urls: string[];
  drop(): Promise<void>;
}

export async function createTestShards(count: number, options: { poolMax?: number } = {}): Promise<TestShards> {
  const run = randomBytes(5).toString('hex');
  const names = Array.from({ length: count }, (_, index) => `sg_post_test_${run}_${index}`);
  const admin = createPostgresDatabase<unknown>({ connectionString: ADMIN_URL, poolMax: 1 });
  for (const name of names) await sql.raw(`create database ${name}`).execute(admin.db);
  const urls = names.map((name) => {
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    return url.toString();
  });
  const router = createShardedDatabases<PostDatabase>(urls, { poolMax: options.poolMax ?? 10 });
  await migratePostShards(router);
  return {
    router,
    urls,
    async drop() {
      await closeAll(router);
      for (const name of names) await sql.raw(`drop database if exists ${name} with (force)`).execute(admin.db);
      await admin.close();
    },
  };
}
