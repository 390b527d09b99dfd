import { createScratchDatabases, type ScratchDatabases } from '@scalegram/test-support/scratch-databases';
import { createPostgresDatabase } from '../src/postgres-database.ts';
import { describeRelationalContract, type TestDatabase } from './contract/relational-contract.ts';

const created: ScratchDatabases[] = [];

describeRelationalContract('PostgreSQL', {
  async create() {
    const scratch = await createScratchDatabases('sg_test');
    created.push(scratch);
    return createPostgresDatabase<TestDatabase>({ connectionString: scratch.urls[0] as string, poolMax: 5 });
  },
  cleanup: async () => {
    await Promise.all(created.map((scratch) => scratch.drop()));
  },
});
