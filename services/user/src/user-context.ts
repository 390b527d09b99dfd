// What the commands and queries work with: the service's database and its profile cache.
import type { RelationalDatabase } from '@scalegram/relational/port';
import type { ProfileCache } from './store/profile-cache.ts';
import type { UserDatabase } from './store/schema.ts';

export interface UserContext {
  database: RelationalDatabase<UserDatabase>;
  cache: ProfileCache;
}
