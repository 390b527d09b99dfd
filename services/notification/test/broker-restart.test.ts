// Fault test: a PRIVATE nats-server (never the shared one on :4222) is killed and restarted under a
// replica with an open stream. The stream stays open (only the broker went away), the consumer and the
// live subscription recover, and the next like reaches the stream with the next event id.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { UnavailableError } from '@scalegram/contracts/errors';
import { createEvent } from '@scalegram/contracts/events';
import { POST_EVENT_SOURCE, PostEventType } from '@scalegram/contracts/post-events';
import type { App } from '@scalegram/kit/app';
import { createNatsBus } from '@scalegram/queue/nats-bus';
import type { MessageBus } from '@scalegram/queue/port';
import { startTokenIssuer, type TokenIssuer } from '@scalegram/test-support/token-issuer';
import { buildNotificationApp } from '../src/app.ts';
import { type NotificationConsumer, startNotificationConsumer } from '../src/events/notification-consumer.ts';
import { createLiveHub } from '../src/live/live-hub.ts';
import { newId } from './support/notification-harness.ts';
import { openSse, type SseClient } from './support/sse-client.ts';
import { createTestDatabase, type TestDatabase } from './support/test-database.ts';

const NATS_SERVER = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function startServer(port: number, storeDir: string): Promise<ChildProcess> {
  const child = spawn(NATS_SERVER, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nats-server did not start: ${log}`)), 10_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Server is ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`nats-server exited with ${code}: ${log}`));
    });
  });
  child.stderr?.resume();
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

let port: number;
let storeDir: string;
let server: ChildProcess;
let db: TestDatabase;
let tokens: TokenIssuer;
let bus: MessageBus;
let publisher: MessageBus;
let consumer: NotificationConsumer;
let app: App;
let client: SseClient | undefined;

const natsOptions = (name: string) => ({
  servers: `nats://127.0.0.1:${port}`,
  name,
  publishTimeoutMs: 1_000,
  reconnectTimeWaitMs: 200,
  reconnectJitterMs: 100,
  pullExpiresMs: 2_000,
  logger: { warn: () => undefined },
});

beforeAll(async () => {
  port = await freePort();
  storeDir = await mkdtemp(join(tmpdir(), 'notification-fault-'));
  server = await startServer(port, storeDir);
  db = await createTestDatabase();
  tokens = await startTokenIssuer();
  bus = await createNatsBus(natsOptions('notification-fault-replica'));
  publisher = await createNatsBus(natsOptions('notification-fault-publisher'));
  const hub = createLiveHub({ bus, subjectPrefix: 'notify.user.' });
  app = buildNotificationApp({
    database: db.database,
    hub,
    userVerifier: tokens.userVerifier,
    heartbeatMs: 15_000,
    retryMs: 500,
    maxStreamsPerUser: 10,
    logLevel: 'silent',
  });
  consumer = await startNotificationConsumer({
    database: db.database,
    bus,
    hub,
    followWindowMs: 60_000,
    mentionGraceMs: 0,
    streams: { users: 'USERS', posts: 'POSTS', subjectPrefix: '' },
    durables: { users: 'notification-users', posts: 'notification-posts' },
  });
}, 30_000);

afterAll(async () => {
  client?.close();
  await app?.close();
  await consumer?.stop();
  await bus?.close();
  await publisher?.close();
  if (server) await kill(server);
  await rm(storeDir, { recursive: true, force: true });
  await db?.drop();
  await tokens?.close();
});

const like = (author: string) => {
  const postId = newId();
  return createEvent({
    type: PostEventType.liked,
    source: POST_EVENT_SOURCE,
    subject: postId,
    data: { postId, postAuthorId: author, userId: newId() },
  });
};

describe('a broker crash and restart', () => {
  it('leaves open streams open, and the next like still reaches them in order', async () => {
    const author = newId();
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    client = await openSse(`${url}/api/v1/notifications/stream`, {
      authorization: `Bearer ${await tokens.userToken(author)}`,
    });
    await publisher.publish(PostEventType.liked, like(author));
    await client.until((c) => c.notifications().length === 1);

    await kill(server);
    server = await startServer(port, storeDir);
    // Publishes fail cleanly until the client has reconnected and JetStream has recovered its streams.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const outcome = await publisher.publish(PostEventType.liked, like(author)).catch((error: unknown) => error);
      if (!(outcome instanceof UnavailableError)) break;
      if (Date.now() > deadline) throw outcome;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await client.until((c) => c.notifications().length === 2, 20_000);
    expect(client.notifications().map((entry) => entry.id)).toEqual(['1', '2']);
  }, 60_000);
});
