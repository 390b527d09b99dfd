// Applies this service's migrations plus the outbox table to EVERY physical shard. Each shard keeps its
// own migration history and lock, so a half-migrated fleet is visible per database and re-running is safe.
import { fileURLToPath } from 'node:url';
import { migrate } from '@scalegram/relational/migrate';
import { outboxMigration } from '@scalegram/relational/outbox-schema';
import type { ShardRouter } from '@scalegram/relational/shard-router';
import type { PostDatabase } from './schema.ts';

// src/store/ and dist/store/ are both two levels below the package root, next to migrations/.
const MIGRATIONS = fileURLToPath(new URL('../../migrations/', import.meta.url));

export async function migratePostShards(router: ShardRouter<PostDatabase>): Promise<void> {
  for (const database of router.all()) await migrate(database, MIGRATIONS, { extra: [outboxMigration] });
}
