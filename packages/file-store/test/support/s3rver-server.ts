// Starts s3rver (an S3-compatible server that runs in this process, over real HTTP) on an ephemeral
// port with a private temporary directory, for tests and the benchmark.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import type { FileStore } from '../../src/port.ts';
import { createS3Store } from '../../src/s3-store.ts';

export interface S3rverStore {
  store: FileStore;
  endpoint: string;
  close(): Promise<void>;
}

/** s3rver's built-in account; it rejects other access keys, but never checks SigV4 signatures. */
export const S3RVER_CREDENTIALS = { accessKey: 'S3RVER', secretKey: 'S3RVER' };

export async function startS3rverStore(): Promise<S3rverStore> {
  const directory = await mkdtemp(join(tmpdir(), 'file-store-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true });
  const { port } = await server.run();
  const endpoint = `127.0.0.1:${port}`;
  const store = createS3Store({
    endpoint,
    region: 'us-east-1',
    ...S3RVER_CREDENTIALS,
    bucket: `test-${randomUUID().slice(0, 8)}`,
    useSSL: false,
  });
  return {
    store,
    endpoint,
    async close() {
      await store.close();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
