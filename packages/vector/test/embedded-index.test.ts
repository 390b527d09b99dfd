// The contract suite against the embedded index, persisted in a temporary directory.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from '@jest/globals';
import { createEmbeddedIndex } from '../src/embedded-index.ts';
import { describeVectorContract } from './contract/vector-contract.ts';

const directory = await mkdtemp(join(tmpdir(), 'scalegram-vector-'));

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describeVectorContract('embedded', { open: () => createEmbeddedIndex({ directory }) });
