// Applies this service's migrations plus the outbox table shipped by @scalegram/relational.
import { fileURLToPath } from 'node:url';
import { migrate } from '@scalegram/relational/migrate';
import { outboxMigration } from '@scalegram/relational/outbox-schema';
import type { RelationalDatabase } from '@scalegram/relational/port';
import type { MediaDatabase } from './schema.ts';

// src/store/ and dist/store/ are both two levels below the package root, next to migrations/.
const MIGRATIONS = fileURLToPath(new URL('../../migrations/', import.meta.url));

export function migrateMediaDatabase(database: RelationalDatabase<MediaDatabase>): Promise<string[]> {
  return migrate(database, MIGRATIONS, { extra: [outboxMigration] });
}
