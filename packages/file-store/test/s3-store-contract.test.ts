// The FileStore contract against the S3 adapter, talking to s3rver over real HTTP.

import { describeFileStoreContract } from './contract/file-store-contract.ts';
import { startS3rverStore } from './support/s3rver-server.ts';

describeFileStoreContract('S3 adapter on s3rver', async () => {
  const { store, close } = await startS3rverStore();
  // s3rver never verifies SigV4 signatures (lib/middleware/authentication.js) and lists keys in
  // file-name order (lib/stores/filesystem.js); real S3 and MinIO do neither.
  return {
    store,
    close,
    deviations: { ignoresSignatures: true, listsInFileNameOrder: true, ignoresConditionalPut: true },
  };
});
