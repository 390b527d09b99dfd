// Smoke test of the embedded mode: the same app on PGlite, the in-process bus and the local file
// store chosen by openFileStore() from a configuration without URLs — what `pnpm start` and the
// one-command laptop runner use — with the same migrations, outbox relay and report consumer.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createEvent } from '@scalegram/contracts/events';
import { MEDIA_JOBS_STREAM, MEDIA_WORKER_EVENT_SOURCE } from '@scalegram/contracts/media-events';
import type { App } from '@scalegram/kit/app';
import { openBus } from '@scalegram/queue/open-bus';
import type { Consumer, MessageBus } from '@scalegram/queue/port';
import { openDatabase } from '@scalegram/relational/open-database';
import type { OutboxRelay } from '@scalegram/relational/outbox-relay';
import type { RelationalDatabase } from '@scalegram/relational/port';
import { startTokenIssuer, type TokenIssuer } from '@scalegram/test-support/token-issuer';
import { buildMediaApp } from '../src/app.ts';
import { loadMediaConfig } from '../src/config.ts';
import { startMediaEventRelay } from '../src/events/media-event-relay.ts';
import { startWorkerResultConsumer } from '../src/events/worker-result-consumer.ts';
import { type OpenedFileStore, type OpenedFileStoreInfo, openFileStore } from '../src/files/open-file-store.ts';
import { migrateMediaDatabase } from '../src/store/migrate-media-database.ts';
import type { MediaDatabase } from '../src/store/schema.ts';
import { jpeg, webp } from './support/images.ts';
import { newUserId, waitFor } from './support/media-harness.ts';
import { freePort } from './support/test-stores.ts';

let dataDir: string;
let tokens: TokenIssuer;
let database: RelationalDatabase<MediaDatabase>;
let bus: MessageBus;
let files: OpenedFileStore & OpenedFileStoreInfo;
let relay: OutboxRelay;
let consumers: Consumer[];
let app: App;
let baseUrl: string;
const jobs: { mediaId: string }[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'media-embedded-'));
  tokens = await startTokenIssuer();
  const port = await freePort();
  const config = loadMediaConfig({ JWKS_URL: tokens.jwksUrl, PORT: String(port), DATA_DIR: dataDir });
  database = await openDatabase<MediaDatabase>({ url: config.DATABASE_URL });
  bus = await openBus({ url: config.NATS_URL, name: 'media' });
  files = await openFileStore(config);
  await migrateMediaDatabase(database);
  await files.store.ensureBucket();
  relay = await startMediaEventRelay({ database, bus, pollIntervalMs: 50 });
  consumers = [
    await startWorkerResultConsumer({ database, store: files.store, bus, logger: { warn: () => undefined } }),
    await bus.consume(
      { stream: MEDIA_JOBS_STREAM.name, durable: 'smoke-worker', ackWaitMs: 5_000, maxDeliver: 1 },
      (d) => {
        jobs.push(d.event.data as { mediaId: string });
      },
    ),
  ];
  app = buildMediaApp({
    database,
    store: files.store,
    ...(files.kind === 'local' ? { localFiles: files.store } : {}),
    userVerifier: tokens.userVerifier,
    serviceVerifier: tokens.serviceVerifier,
    limits: { maxImageBytes: config.MEDIA_MAX_IMAGE_BYTES, maxVideoBytes: config.MEDIA_MAX_VIDEO_BYTES },
    uploadExpiresInSeconds: config.MEDIA_UPLOAD_URL_TTL_SECONDS,
    downloadExpiresInSeconds: config.MEDIA_DOWNLOAD_URL_TTL_SECONDS,
    logLevel: 'silent',
  });
  await app.listen({ port, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${port}`;
}, 60_000);

afterAll(async () => {
  await app.close();
  for (const consumer of consumers) await consumer.stop();
  await relay.stop();
  await bus.close();
  await files.close();
  await database.close();
  await tokens.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('embedded mode (PGlite, in-process bus, local file store)', () => {
  it('uploads through /files, queues the job, turns a worker report into ready with downloadable variants', async () => {
    expect(files.kind).toBe('local');
    const userId = await newUserId();
    const headers = { authorization: `Bearer ${await tokens.userToken(userId)}`, 'content-type': 'application/json' };
    const bytes = await jpeg();
    const created = await fetch(`${baseUrl}/api/v1/media`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ contentType: 'image/jpeg', size: bytes.length }),
    });
    expect(created.status).toBe(201);
    const upload = (await created.json()) as { id: string; uploadUrl: string; uploadHeaders: Record<string, string> };
    expect(upload.uploadUrl.startsWith(`${baseUrl}/files/originals/${userId}/${upload.id}?`)).toBe(true);
    const put = await fetch(upload.uploadUrl, {
      method: 'PUT',
      headers: upload.uploadHeaders,
      body: new Uint8Array(bytes),
    });
    expect(put.status).toBe(200);
    const completed = await fetch(`${baseUrl}/api/v1/media/${upload.id}/complete`, {
      method: 'POST',
      headers: { authorization: headers.authorization },
    });
    expect(completed.status).toBe(202);
    await waitFor(() => jobs.some((job) => job.mediaId === upload.id));

    const thumb = await webp(320, 320);
    await files.store.put(`variants/${upload.id}/thumb.webp`, thumb, { contentType: 'image/webp' });
    await bus.publish(
      'media.processed',
      createEvent({
        type: 'media.processed',
        source: MEDIA_WORKER_EVENT_SOURCE,
        subject: upload.id,
        data: {
          mediaId: upload.id,
          kind: 'image',
          contentType: 'image/jpeg',
          width: 160,
          height: 120,
          variants: {
            thumb: { key: `variants/${upload.id}/thumb.webp`, width: 320, height: 320, contentType: 'image/webp' },
          },
          placeholder: 'abc',
        },
      }),
      { msgId: `${upload.id}:processed` },
    );
    let media: { status: string; variants: Record<string, { url: string }> } = { status: '', variants: {} };
    await waitFor(async () => {
      media = (await (await fetch(`${baseUrl}/api/v1/media/${upload.id}`, { headers })).json()) as typeof media;
      return media.status === 'ready';
    });
    const download = await fetch(media.variants.thumb?.url ?? '');
    expect(Buffer.from(await download.arrayBuffer()).equals(thumb)).toBe(true);
    expect((await fetch(`${baseUrl}/readyz`)).status).toBe(200);
    const openapi = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/media',
        '/api/v1/media/{id}/complete',
        '/api/v1/media/{id}',
        '/internal/media/batch',
      ]),
    );
  });

  it('generated the signing secret into DATA_DIR, readable only by its owner, and reuses it', async () => {
    const path = join(dataDir, 'files-signing-secret');
    const secret = await readFile(path, 'utf8');
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect((await stat(path)).mode & 0o077).toBe(0);
    const again = await openFileStore(loadMediaConfig({ JWKS_URL: 'http://auth/jwks', DATA_DIR: dataDir }));
    expect(again.note).toContain(path);
    await again.close();
  });
});
