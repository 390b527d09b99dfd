// How server.ts picks the file store: S3/MinIO when S3_ENDPOINT is configured, the local directory
// store otherwise (the embedded default), whose signed URLs this service serves at /files.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalStore, type LocalFileStore } from '@scalegram/file-store/local-store';
import type { FileStore } from '@scalegram/file-store/port';
import { createS3Store } from '@scalegram/file-store/s3-store';
import { type MediaConfig, mediaBucket } from '../config.ts';

export type OpenedFileStore = { kind: 's3'; store: FileStore } | { kind: 'local'; store: LocalFileStore };

const SECRET_FILE = 'files-signing-secret';

/**
 * The local store's HMAC secret. Configured: used as is (required whenever URLs must stay valid
 * across restarts without a DATA_DIR, or be verified by another process). Otherwise a random one is
 * generated once into DATA_DIR (mode 0600) and reused, or, with no DATA_DIR, held in memory for this
 * process only — which matches an in-memory deployment, whose objects vanish with it anyway. Never a
 * constant in the code: a known secret would let anyone forge upload URLs.
 */
export async function localSigningSecret(config: Pick<MediaConfig, 'FILES_SIGNING_SECRET' | 'DATA_DIR'>) {
  if (config.FILES_SIGNING_SECRET !== undefined) return { secret: config.FILES_SIGNING_SECRET, source: 'config' };
  if (config.DATA_DIR === undefined) return { secret: randomBytes(32).toString('base64url'), source: 'memory' };
  const path = join(config.DATA_DIR, SECRET_FILE);
  const existing = await readFile(path, 'utf8').catch(() => undefined);
  if (existing !== undefined && existing.trim().length >= 32) return { secret: existing.trim(), source: path };
  await mkdir(config.DATA_DIR, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  // `wx`: of two processes starting at once, one writes and the other reads the winner's secret.
  await writeFile(path, secret, { mode: 0o600, flag: 'wx' }).catch(() => undefined);
  return { secret: (await readFile(path, 'utf8')).trim(), source: path };
}

export interface OpenedFileStoreInfo {
  /** One line for the start-up log: which store, where, and where its secret came from. */
  note: string;
  /** Closes the store; a temporary directory (no DATA_DIR) is removed, like an in-memory database. */
  close(): Promise<void>;
}

export async function openFileStore(config: MediaConfig): Promise<OpenedFileStore & OpenedFileStoreInfo> {
  if (config.S3_ENDPOINT !== undefined) {
    const endpoint = new URL(config.S3_ENDPOINT);
    const store = createS3Store({
      endpoint: endpoint.host,
      useSSL: endpoint.protocol === 'https:',
      region: config.S3_REGION,
      accessKey: config.S3_ACCESS_KEY ?? '',
      secretKey: config.S3_SECRET_KEY ?? '',
      bucket: mediaBucket(config),
      ...(config.S3_PUBLIC_URL === undefined ? {} : { publicBaseUrl: config.S3_PUBLIC_URL }),
    });
    return {
      kind: 's3',
      store,
      note: `S3 bucket ${mediaBucket(config)} at ${endpoint.origin}`,
      close: () => store.close(),
    };
  }
  const directory =
    config.DATA_DIR === undefined
      ? join(tmpdir(), `scalegram-media-${process.pid}-${randomBytes(4).toString('hex')}`)
      : join(config.DATA_DIR, 'media-files');
  const { secret, source } = await localSigningSecret(config);
  const store = createLocalStore({
    directory,
    signingSecret: secret,
    publicBaseUrl: config.FILES_PUBLIC_BASE_URL ?? `http://127.0.0.1:${config.PORT}/files`,
    maxUploadBytes: Math.max(config.MEDIA_MAX_IMAGE_BYTES, config.MEDIA_MAX_VIDEO_BYTES),
  });
  const temporary = config.DATA_DIR === undefined;
  return {
    kind: 'local',
    store,
    note: `local store in ${directory}${temporary ? ' (temporary)' : ''}, signing secret from ${source}`,
    async close() {
      await store.close();
      if (temporary) await rm(directory, { recursive: true, force: true });
    },
  };
}
