// Opens the physical shards: one PostgreSQL pool per URL in POST_DATABASE_URLS, or — with none
// configured — a single embedded PGlite holding all 8192 logical shards (the laptop default).
import { createPgliteDatabase } from '@scalegram/relational/pglite-database';
import type { PgliteEngine } from '@scalegram/relational/pglite-engine';
import { createShardRouter, type ShardRouter } from '@scalegram/relational/shard-router';
import { createShardedDatabases } from '@scalegram/relational/sharded-postgres';
import type { PostDatabase } from './schema.ts';

export interface OpenPostShardsOptions {
  urls: readonly string[];
  poolMax?: number;
  /** PGlite's directory when no URL is given; absent means in memory. */
  dataDir?: string | undefined;
  /** Without URLs: the `post` schema of this shared engine (the embedded runner) instead of a PGlite of its own. */
  engine?: PgliteEngine | undefined;
}

export async function openPostShards(options: OpenPostShardsOptions): Promise<ShardRouter<PostDatabase>> {
  if (options.urls.length > 0) {
    return createShardedDatabases<PostDatabase>(options.urls, {
      ...(options.poolMax === undefined ? {} : { poolMax: options.poolMax }),
      applicationName: 'post',
    });
  }
  const database =
    options.engine === undefined
      ? await createPgliteDatabase<PostDatabase>(options.dataDir === undefined ? {} : { dataDir: options.dataDir })
      : await options.engine.database<PostDatabase>('post');
  return createShardRouter({ databases: [database] });
}
