import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInProcessBus } from '../src/in-process-bus.ts';
import { describeBusContract } from './contract/bus-contract.ts';

describeBusContract('in-process', { makeBus: () => createInProcessBus() });

// Journaling must not change a single delivery semantic: the same suite, with every write going to disk.
let dataDir = '';
describeBusContract('in-process, journaled to a data directory', {
  makeBus: async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'queue-contract-'));
    return createInProcessBus({ dataDir });
  },
  cleanup: () => rm(dataDir, { recursive: true, force: true }),
});
