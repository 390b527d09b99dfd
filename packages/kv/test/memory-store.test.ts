import { createMemoryStore } from '../src/memory-store.ts';
import { describeKeyValueContract } from './contract/kv-contract.ts';

describeKeyValueContract('memory', async () => createMemoryStore({ keyPrefix: 'test:' }));
