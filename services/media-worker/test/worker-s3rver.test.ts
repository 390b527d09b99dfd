import { startS3rverStore } from './support/stores.ts';
import { describeWorker } from './support/worker-suite.ts';

describeWorker('s3rver (S3 protocol)', startS3rverStore);
