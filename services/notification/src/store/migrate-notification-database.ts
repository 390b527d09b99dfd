// Applies this service's SQL migrations (the same files on Postgres and PGlite).
import { fileURLToPath } from 'node:url';
import { migrate } from '@scalegram/relational/migrate';
import type { RelationalDatabase } from '@scalegram/relational/port';
import type { NotificationDatabase } from './schema.ts';

// src/store/ and dist/store/ are both two levels below the package root, next to migrations/.
const MIGRATIONS = fileURLToPath(new URL('../../migrations/', import.meta.url));

export function migrateNotificationDatabase(database: RelationalDatabase<NotificationDatabase>): Promise<string[]> {
  return migrate(database, MIGRATIONS);
}
