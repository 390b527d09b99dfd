import { createInProcessBus } from '../src/in-process-bus.ts';
import { describeBusContract } from './contract/bus-contract.ts';

describeBusContract('in-process', { makeBus: async () => createInProcessBus() });
