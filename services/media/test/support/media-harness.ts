// The media app on real servers — local PostgreSQL (a unique database), NATS JetStream (unique stream
// names and subject prefix) and a file store (s3rver or the local store) — listening on a real port,
// so uploads go over HTTP with fetch exactly as a client sends them.
import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { Event } from '@scalegram/contracts/events';
import type { FileStore } from '@scalegram/file-store/port';
import type { App } from '@scalegram/kit/app';
import { createNatsBus } from '@scalegram/queue/nats-bus';
import type { Consumer, MessageBus } from '@scalegram/queue/port';
import { createIdGenerator } from '@scalegram/relational/id-generator';
import type { OutboxRelay } from '@scalegram/relational/outbox-relay';
import { startTokenIssuer, type TokenIssuer } from '@scalegram/test-support/token-issuer';
import { buildMediaApp, type MediaAppDeps } from '../../src/app.ts';
import { startMediaEventRelay } from '../../src/events/media-event-relay.ts';
import type { MediaStreams } from '../../src/events/media-streams.ts';
import { startWorkerResultConsumer } from '../../src/events/worker-result-consumer.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';
import { freePort, type StoreKind, startTestStore, type TestStore } from './test-stores.ts';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
export const LIMITS = { maxImageBytes: 1024 * 1024, maxVideoBytes: 4 * 1024 * 1024 };

const ids = createIdGenerator();
export const newUserId = () => ids.nextString(Math.floor(Math.random() * 8192));

export interface Received {
  subject: string;
  event: Event;
}

export interface MediaHarness {
  app: App;
  baseUrl: string;
  db: TestDatabase;
  store: FileStore;
  tokens: TokenIssuer;
  streams: MediaStreams;
  /** Only with `bus: true`. */
  bus: MessageBus | undefined;
  /** Jobs taken from the MEDIA_JOBS stream by a test "worker" (acknowledged, so the queue empties). */
  jobs: Received[];
  /** Everything on the MEDIA stream (results and outcomes). */
  events: Received[];
  user(): Promise<{ id: string; token: string; headers: Record<string, string> }>;
  /** Another app on the same database and store, e.g. with a shorter upload URL lifetime. */
  buildApp(overrides: Partial<MediaAppDeps>): App;
  close(): Promise<void>;
}

export interface HarnessOptions {
  store: StoreKind;
  bus?: boolean;
}

export async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function startHarness(options: HarnessOptions): Promise<MediaHarness> {
  const tokens = await startTokenIssuer();
  const db = await createTestDatabase();
  const port = await freePort();
  const files: TestStore = await startTestStore(
    options.store,
    port,
    Math.max(LIMITS.maxImageBytes, LIMITS.maxVideoBytes),
  );
  const run = randomBytes(5).toString('hex');
  const streams: MediaStreams = {
    events: `MEDIA_TEST_${run.toUpperCase()}`,
    jobs: `MEDIA_JOBS_TEST_${run.toUpperCase()}`,
    subjectPrefix: `t${run}.`,
  };
  const baseDeps: MediaAppDeps = {
    database: db.database,
    store: files.store,
    ...(files.localFiles === undefined ? {} : { localFiles: files.localFiles }),
    userVerifier: tokens.userVerifier,
    serviceVerifier: tokens.serviceVerifier,
    limits: LIMITS,
    uploadExpiresInSeconds: 300,
    downloadExpiresInSeconds: 300,
    logLevel: 'silent',
  };
  const app = buildMediaApp(baseDeps);
  await app.listen({ port, host: '127.0.0.1' });

  const jobs: Received[] = [];
  const events: Received[] = [];
  let bus: MessageBus | undefined;
  let relay: OutboxRelay | undefined;
  const consumers: Consumer[] = [];
  if (options.bus) {
    bus = await createNatsBus({ servers: NATS_URL, name: `media-test-${run}` });
    relay = await startMediaEventRelay({ database: db.database, bus, streams, pollIntervalMs: 100 });
    consumers.push(
      await startWorkerResultConsumer({ database: db.database, store: files.store, bus, streams, logger: app.log }),
    );
    consumers.push(
      await bus.consume(
        { stream: streams.jobs, durable: 'test-worker', ackWaitMs: 5_000, maxDeliver: 1, deadLetter: false },
        (d) => {
          jobs.push({ subject: d.subject, event: d.event });
        },
      ),
    );
    consumers.push(
      await bus.consume(
        { stream: streams.events, durable: 'test-observer', ackWaitMs: 5_000, maxDeliver: 1, deadLetter: false },
        (d) => {
          events.push({ subject: d.subject, event: d.event });
        },
      ),
    );
  }
  const extraApps: App[] = [];

  return {
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    db,
    store: files.store,
    tokens,
    streams,
    bus,
    jobs,
    events,
    async user() {
      const id = await newUserId();
      const token = await tokens.userToken(id);
      return { id, token, headers: { authorization: `Bearer ${token}` } };
    },
    buildApp(overrides) {
      const extra = buildMediaApp({ ...baseDeps, ...overrides });
      extraApps.push(extra);
      return extra;
    },
    async close() {
      for (const extra of extraApps) await extra.close();
      // A refused upload can leave the client's socket mid-body, which Fastify's close() (it only
      // closes idle sockets) would wait on; no request is in flight here, so drop every socket.
      app.server.closeAllConnections();
      await app.close();
      for (const consumer of consumers) await consumer.stop();
      await relay?.stop();
      if (bus !== undefined) {
        await bus.close();
        const nc = await connect({ servers: NATS_URL });
        const jsm = await jetstreamManager(nc);
        for (const name of [streams.events, streams.jobs]) await jsm.streams.delete(name).catch(() => false);
        await nc.close();
      }
      await files.close();
      await db.drop();
      await tokens.close();
    },
  };
}

/** What a client does: create the upload, then PUT the bytes with exactly the headers it was given. */
export async function createUpload(
  h: MediaHarness,
  headers: Record<string, string>,
  body: { contentType: string; size: number },
) {
  const response = await fetch(`${h.baseUrl}/api/v1/media`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> & { id: string } };
}

export async function putBytes(upload: Record<string, unknown>, bytes: Buffer, headers = {}) {
  return fetch(String(upload.uploadUrl), {
    method: 'PUT',
    headers: { ...(upload.uploadHeaders as Record<string, string>), ...headers },
    body: new Uint8Array(bytes),
  });
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
