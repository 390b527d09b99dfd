// N uniquely named databases on the local PostgreSQL, behind a shard router, migrated, dropped afterwards.
import type { ShardRouter } from '@scalegram/relational/shard-router';
import { closeAll, createShardedDatabases } from '@scalegram/relational/sharded-postgres';
import { createScratchDatabases } from '@scalegram/test-support/scratch-databases';
import { migratePostShards } from '../../src/store/migrate-post-shards.ts';
import type { PostDatabase } from '../../src/store/schema.ts';

export interface TestShards {
  router: ShardRouter<PostDatabase>;
  urls: string[];
  drop(): Promise<void>;
}

export async function createTestShards(count: number, options: { poolMax?: number } = {}): Promise<TestShards> {
  const scratch = await createScratchDatabases('sg_post_test', count);
  const urls = scratch.urls;
  const router = createShardedDatabases<PostDatabase>(urls, { poolMax: options.poolMax ?? 10 });
  await migratePostShards(router);
  return {
    router,
    urls,
    async drop() {
      await closeAll(router);
      await scratch.drop();
    },
  };
}
