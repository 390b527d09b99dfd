import { createPgliteDatabase } from '../src/pglite-database.ts';
import { describeRelationalContract, type TestDatabase } from './contract/relational-contract.ts';

describeRelationalContract('PGlite (in-memory)', {
  create: () => createPgliteDatabase<TestDatabase>(),
  cleanup: async () => undefined,
});
