// The FileStore contract against the local store, its presigned URLs served by localFileRoutes.

import { describeFileStoreContract } from './contract/file-store-contract.ts';
import { startLocalServerStore } from './support/local-server.ts';

describeFileStoreContract('local directory store', async () => {
  const { store, close } = await startLocalServerStore();
  return {
    store,
    close,
    deviations: { ignoresSignatures: false, listsInFileNameOrder: false, ignoresConditionalPut: false },
  };
});
