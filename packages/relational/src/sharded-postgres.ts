// Convenience for the production setup: one Postgres pool per physical shard database.

import type { PostgresDatabaseOptions } from './port.ts';
import { createPostgresDatabase } from './postgres-database.ts';
import { createShardRouter, type ShardRange, type ShardRouter } from './shard-router.ts';

export interface ShardedPostgresOptions extends Omit<PostgresDatabaseOptions, 'connectionString' | 'name'> {
  ranges?: readonly ShardRange[];
}

/** Pools for `urls` (database i = urls[i]) behind a shard router. Close them with `closeAll`. */
export function createShardedDatabases<DB>(
  urls: readonly string[],
  options: ShardedPostgresOptions = {},
): ShardRouter<DB> {
  const { ranges, ...poolOptions } = options;
  const databases = urls.map((connectionString) => createPostgresDatabase<DB>({ ...poolOptions, connectionString }));
  return createShardRouter({ databases, ...(ranges === undefined ? {} : { ranges }) });
}

/** Closes every physical database behind `router`. */
export async function closeAll<DB>(router: ShardRouter<DB>): Promise<void> {
  await Promise.all(router.all().map((database) => database.close()));
}
