// The key-value contract: one suite, run unchanged against every adapter. It is the proof that the
// in-memory store behaves like Redis, so every expectation in it is Redis's documented behaviour.
// The sections live in the files imported below; this file wires them to one store per suite.
import { afterAll, beforeAll, describe } from '@jest/globals';
import type { KeyValueStore } from '../../src/port.ts';
import { describeBatchContract } from './batch-contract.ts';
import { describeRateLimitContract } from './rate-limit-contract.ts';
import { describeSortedSetContract } from './sorted-sets-contract.ts';
import { describeStringContract } from './strings-contract.ts';

/** `makeStore` returns a new store over the SAME keyspace each call (one prefix per suite). */
export function describeKeyValueContract(name: string, makeStore: () => Promise<KeyValueStore>): void {
  describe(`KeyValueStore contract: ${name}`, () => {
    let store: KeyValueStore;
    beforeAll(async () => {
      store = await makeStore();
    });
    afterAll(async () => {
      await store.close();
    });
    const kv = () => store;

    describeStringContract(kv);
    describeSortedSetContract(kv);
    describeBatchContract(kv);
    describeRateLimitContract(kv, makeStore);
  });
}
