// The two file stores the worker runs against in tests: s3rver (S3 over real HTTP, started here on an
// ephemeral port, restartable on the same port to simulate an outage) and the embedded local store.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalStore } from '@scalegram/file-store/local-store';
import type { FileStore } from '@scalegram/file-store/port';
import { createS3Store } from '@scalegram/file-store/s3-store';
import { S3RVER_CREDENTIALS, startPrivateS3 } from '@scalegram/test-support/private-s3';

export interface TestStore {
  name: string;
  store: FileStore;
  /** Stops the server (the store's requests then fail); undefined for the local store. */
  outage?: { stop(): Promise<void>; restart(): Promise<void> };
  close(): Promise<void>;
}

export async function startS3rverStore(): Promise<TestStore> {
  const s3 = await startPrivateS3();
  let running = true;
  const store = createS3Store({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    ...S3RVER_CREDENTIALS,
    bucket: `worker-${randomUUID().slice(0, 8)}`,
    useSSL: false,
  });
  await store.ensureBucket();
  return {
    name: 's3rver',
    store,
    outage: {
      async stop() {
        running = false;
        await s3.stop();
      },
      async restart() {
        await s3.start();
        running = true;
      },
    },
    async close() {
      await store.close();
      if (running) await s3.stop();
      await s3.destroy();
    },
  };
}

export async function startLocalStore(): Promise<TestStore & { directory: string }> {
  const directory = await mkdtemp(join(tmpdir(), 'media-worker-local-'));
  const store = createLocalStore({
    directory,
    signingSecret: randomBytes(32).toString('base64url'),
    publicBaseUrl: 'http://127.0.0.1:1/files',
    maxUploadBytes: 20 * 1024 * 1024,
  });
  await store.ensureBucket();
  return {
    name: 'local',
    store,
    directory,
    async close() {
      await store.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

export async function readAll(store: FileStore, key: string): Promise<Buffer> {
  const object = await store.get(key);
  const chunks: Buffer[] = [];
  for await (const chunk of object.body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
