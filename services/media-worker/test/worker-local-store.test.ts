import { startLocalStore } from './support/stores.ts';
import { describeWorker } from './support/worker-suite.ts';

describeWorker('embedded local', startLocalStore);
