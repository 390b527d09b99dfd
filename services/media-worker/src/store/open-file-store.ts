// The worker's view of the media service's object storage: the same bucket (S3_*) or, in the embedded
// setup, the same local directory. The worker only reads originals and writes variants; it never signs
// URLs, which is why the local store gets a random per-process signing secret (the store requires one).
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createLocalStore } from '@scalegram/file-store/local-store';
import type { FileStore } from '@scalegram/file-store/port';
import { createS3Store } from '@scalegram/file-store/s3-store';
import { type MediaWorkerConfig, mediaBucket } from '../config.ts';

export function openWorkerFileStore(config: MediaWorkerConfig): { store: FileStore; note: string } {
  if (config.S3_ENDPOINT !== undefined) {
    const endpoint = new URL(config.S3_ENDPOINT);
    const store = createS3Store({
      endpoint: endpoint.host,
      useSSL: endpoint.protocol === 'https:',
      region: config.S3_REGION,
      accessKey: config.S3_ACCESS_KEY ?? '',
      secretKey: config.S3_SECRET_KEY ?? '',
      bucket: mediaBucket(config),
    });
    return { store, note: `S3 bucket ${mediaBucket(config)} at ${endpoint.origin}` };
  }
  // loadMediaWorkerConfig guarantees one of the two.
  const directory = config.FILES_DIRECTORY ?? join(config.DATA_DIR ?? '', 'media-files');
  const store = createLocalStore({
    directory,
    signingSecret: randomBytes(32).toString('base64url'),
    publicBaseUrl: 'http://127.0.0.1/unused-by-the-worker',
    maxUploadBytes: 1,
  });
  return { store, note: `local directory ${directory}` };
}
