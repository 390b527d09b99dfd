// The real pipeline end to end: the media service (services/media/src/server.ts) as a child process on
// a unique Postgres database, a private NATS server (so the production stream names MEDIA / MEDIA_JOBS
// collide with nobody) and a files directory shared with this worker, which runs in-process. A client
// creates an upload, PUTs the bytes to the presigned URL, completes it, and polls until it is ready;
// then it downloads every variant through the URLs the media service hands out.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_NAMESPACE } from '@scalegram/contracts/namespace';
import { createLocalStore } from '@scalegram/file-store/local-store';
import type { FileStore } from '@scalegram/file-store/port';
import { startTokenIssuer, TEST_ISSUER } from '@scalegram/test-support/token-issuer';
import exifr from 'exifr';
import sharp from 'sharp';
import { PRODUCTION_MEDIA_STREAMS } from '../src/events/media-streams.ts';
import { makeJpeg } from './support/images.ts';
import { type RunningWorker, startWorker } from './support/worker-harness.ts';

const run = promisify(execFile);
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const MEDIA_DIR = fileURLToPath(new URL('../../media', import.meta.url));
const database = `sg_media_worker_e2e_${randomBytes(6).toString('hex')}`;

let tokens: Awaited<ReturnType<typeof startTokenIssuer>>;
let scratch: string;
let nats: ChildProcess;
let media: ChildProcess;
let mediaExit: Promise<number | null>;
let store: FileStore;
let worker: RunningWorker;
let base: string;
let token: string;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function psql(command: string) {
  return run('psql', [ADMIN_URL, '-v', 'ON_ERROR_STOP=1', '-q', '-c', command]);
}

beforeAll(async () => {
  tokens = await startTokenIssuer();
  token = await tokens.userToken('4242');
  scratch = await mkdtemp(join(tmpdir(), 'media-worker-e2e-'));
  await psql(`create database ${database}`);

  const natsPort = await freePort();
  nats = spawn(
    '/usr/sbin/nats-server',
    ['-js', '-a', '127.0.0.1', '-p', String(natsPort), '-sd', join(scratch, 'nats')],
    {
      stdio: 'ignore',
    },
  );
  await until(
    () =>
      new Promise<true | undefined>((resolve) => {
        const socket = netConnect(natsPort, '127.0.0.1', () => {
          socket.end();
          resolve(true);
        }).on('error', () => resolve(undefined));
      }),
    'nats-server',
  );
  const natsUrl = `nats://127.0.0.1:${natsPort}`;

  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const dataUrl = new URL(ADMIN_URL);
  dataUrl.pathname = `/${database}`;
  const { NODE_OPTIONS: _jestOnly, S3_ENDPOINT: _s3, ...env } = process.env;
  media = spawn(process.execPath, ['--conditions=@scalegram/source', 'src/server.ts'], {
    cwd: MEDIA_DIR,
    env: {
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: dataUrl.toString(),
      NATS_URL: natsUrl,
      DATA_DIR: join(scratch, 'data'),
      JWKS_URL: tokens.jwksUrl,
      AUTH_ISSUER: TEST_ISSUER,
      LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
  mediaExit = new Promise((resolve) => media.once('exit', resolve));
  await until(async () => ((await fetch(`${base}/readyz`)).ok ? true : undefined), 'the media service');

  // The worker reads and writes the same directory the media service's local store uses.
  store = createLocalStore({
    directory: join(scratch, 'data', 'media-files'),
    signingSecret: randomBytes(32).toString('base64url'),
    publicBaseUrl: 'http://127.0.0.1:1/unused',
    maxUploadBytes: 1,
  });
  // The media process runs in the default namespace; the worker joins it there.
  worker = await startWorker(store, PRODUCTION_MEDIA_STREAMS, {}, natsUrl, DEFAULT_NAMESPACE);
}, 60_000);

afterAll(async () => {
  await worker?.stop();
  await store?.close();
  media?.kill('SIGTERM');
  await mediaExit;
  nats?.kill('SIGTERM');
  await psql(`drop database if exists ${database} with (force)`);
  await tokens?.close();
  await rm(scratch, { recursive: true, force: true });
});

async function api(method: string, path: string, body?: unknown) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json().catch(() => undefined)) as Record<string, unknown> };
}

async function uploadAndComplete(bytes: Buffer, contentType: string): Promise<string> {
  const created = await api('POST', '/api/v1/media', { contentType, size: bytes.length });
  expect(created.status).toBe(201);
  const upload = created.body as { id: string; uploadUrl: string; uploadHeaders: Record<string, string> };
  const put = await fetch(upload.uploadUrl, { method: 'PUT', headers: upload.uploadHeaders, body: bytes });
  expect(put.status).toBeLessThan(300);
  const completed = await api('POST', `/api/v1/media/${upload.id}/complete`);
  expect(completed).toEqual({ status: 202, body: { id: upload.id, status: 'processing' } });
  return upload.id;
}

async function settled(id: string) {
  return until(async () => {
    const { body } = await api('GET', `/api/v1/media/${id}`);
    return body.status === 'ready' || body.status === 'failed' ? body : undefined;
  }, `media ${id} to settle`);
}

describe('end to end with the real media service', () => {
  it('create → presigned PUT → complete → ready; every variant downloads at its size, without GPS', async () => {
    const photo = await makeJpeg(3000, 2000, { gps: true });
    expect(await exifr.gps(photo)).toBeDefined();
    const id = await uploadAndComplete(photo, 'image/jpeg');
    const media = (await settled(id)) as {
      status: string;
      kind: string;
      width: number;
      height: number;
      placeholder?: string;
      variants: Record<string, { url: string; width: number; height: number; contentType: string }>;
    };
    expect(media).toMatchObject({ status: 'ready', kind: 'image', width: 3000, height: 2000 });
    const expected: Record<string, [number, number, string]> = {
      thumb: [320, 320, 'webp'],
      thumb_jpeg: [320, 320, 'jpeg'],
      small: [640, 427, 'webp'],
      small_jpeg: [640, 427, 'jpeg'],
      large: [1080, 720, 'webp'],
      large_jpeg: [1080, 720, 'jpeg'],
    };
    expect(Object.keys(media.variants).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, variant] of Object.entries(media.variants)) {
      const response = await fetch(variant.url);
      expect(response.status).toBe(200);
      const bytes = Buffer.from(await response.arrayBuffer());
      const meta = await sharp(bytes).metadata();
      expect([meta.width, meta.height, meta.format]).toEqual(expected[name]);
      expect(meta.exif).toBeUndefined();
      if (meta.format === 'jpeg') expect(await exifr.gps(bytes)).toBeUndefined();
    }
  });

  it('a text file declared as JPEG ends failed with the worker reason', async () => {
    const id = await uploadAndComplete(Buffer.from('not a picture at all\n'.repeat(50)), 'image/jpeg');
    expect(await settled(id)).toMatchObject({ status: 'failed', failureReason: 'unrecognised-content' });
  });
});
