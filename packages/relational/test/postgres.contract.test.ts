import { createPostgresDatabase } from '../src/postgres-database.ts';
import { describeRelationalContract, type TestDatabase } from './contract/relational-contract.ts';
import { createTestDatabase, type ServerDatabase } from './support/postgres-server.ts';

const created: ServerDatabase[] = [];

describeRelationalContract('PostgreSQL', {
  async create() {
    const server = await createTestDatabase();
    created.push(server);
    return createPostgresDatabase<TestDatabase>({ connectionString: server.url, poolMax: 5 });
  },
  cleanup: async () => {
    await Promise.all(created.map((server) => server.drop()));
  },
});
