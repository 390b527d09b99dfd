// The same relational contract, run against one schema of a shared PGlite engine (the embedded
// runner's configuration): a tenant must behave exactly like a PGlite of its own.
import { afterAll } from '@jest/globals';
import { createPgliteEngine, type PgliteEngine } from '../src/pglite-engine.ts';
import { describeRelationalContract, type TestDatabase } from './contract/relational-contract.ts';

let engine: PgliteEngine | undefined;
let tenants = 0;

afterAll(async () => {
  await engine?.close();
});

describeRelationalContract('PGlite engine tenant (shared, schema per service)', {
  create: async () => {
    engine ??= await createPgliteEngine();
    tenants += 1;
    return engine.database<TestDatabase>(`tenant_${tenants}`);
  },
  cleanup: async () => undefined,
});
