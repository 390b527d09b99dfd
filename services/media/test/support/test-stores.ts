// The two file stores the media service runs on, for tests: s3rver (the S3 protocol over real HTTP,
// in this process) and the local directory store, whose signed URLs the media app itself serves.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalStore, type LocalFileStore } from '@scalegram/file-store/local-store';
import type { FileStore } from '@scalegram/file-store/port';
import { createS3Store } from '@scalegram/file-store/s3-store';
import { S3RVER_CREDENTIALS, startPrivateS3 } from '@scalegram/test-support/private-s3';

export type StoreKind = 'local' | 's3';

export interface TestStore {
  store: FileStore;
  /** Set for the local store: the app must mount its routes at /files on `port`. */
  localFiles?: LocalFileStore;
  close(): Promise<void>;
}

/** An ephemeral port that was free a moment ago: the local store must know its URL before the app listens. */
export { freePort } from '@scalegram/test-support/free-port';

export async function startTestStore(kind: StoreKind, port: number, maxUploadBytes: number): Promise<TestStore> {
  const directory = await mkdtemp(join(tmpdir(), `media-${kind}-`));
  if (kind === 'local') {
    const store = createLocalStore({
      directory,
      signingSecret: randomBytes(32).toString('base64url'),
      publicBaseUrl: `http://127.0.0.1:${port}/files`,
      maxUploadBytes,
    });
    await store.ensureBucket();
    return {
      store,
      localFiles: store,
      async close() {
        await store.close();
        await rm(directory, { recursive: true, force: true });
      },
    };
  }
  await rm(directory, { recursive: true, force: true });
  const s3 = await startPrivateS3();
  const store = createS3Store({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    ...S3RVER_CREDENTIALS,
    bucket: `media-${randomBytes(4).toString('hex')}`,
    useSSL: false,
  });
  await store.ensureBucket();
  return {
    store,
    async close() {
      await store.close();
      await s3.destroy();
    },
  };
}
