// Notification replicas on real servers (local PostgreSQL and NATS JetStream): one test database, a
// unique USERS/POSTS stream pair and live subject prefix per run, and N replicas that each have their own
// bus connection, pool, live hub, consumers (sharing the durables) and HTTP listener, as N pods would.
import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createEvent, type Event } from '@scalegram/contracts/events';
import { POST_EVENT_SOURCE } from '@scalegram/contracts/post-events';
import { USER_EVENT_SOURCE } from '@scalegram/contracts/user-events';
import type { App } from '@scalegram/kit/app';
import { createNatsBus } from '@scalegram/queue/nats-bus';
import type { MessageBus } from '@scalegram/queue/port';
import type { RelationalDatabase } from '@scalegram/relational/port';
import { startTokenIssuer, type TokenIssuer } from '@scalegram/test-support/token-issuer';
import { buildNotificationApp } from '../../src/app.ts';
import { type NotificationConsumer, startNotificationConsumer } from '../../src/events/notification-consumer.ts';
import { createLiveHub } from '../../src/live/live-hub.ts';
import type { NotificationDatabase } from '../../src/store/schema.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

let counter = Math.floor(Math.random() * 50_000);
/** A fresh 64-bit id (18 digits: milliseconds and a counter), unique within a run. */
export function newId(): string {
  counter += 1;
  return `${Date.now()}${String(counter % 100_000).padStart(5, '0')}`;
}

export interface Replica {
  app: App;
  url: string;
  bus: MessageBus;
  database: RelationalDatabase<NotificationDatabase>;
  consumer: NotificationConsumer;
}

export interface Harness {
  db: TestDatabase;
  tokens: TokenIssuer;
  replicas: Replica[];
  /** Publishes a domain event on this run's streams (as the user and post services' relays do). */
  publish(event: Event): Promise<void>;
  userEvent(type: string, data: Record<string, unknown>): Event;
  postEvent(type: string, data: Record<string, unknown>): Event;
  close(): Promise<void>;
}

export interface HarnessOptions {
  replicas?: number;
  heartbeatMs?: number;
  followWindowMs?: number;
  mentionGraceMs?: number;
  maxStreamsPerUser?: number;
  poolMax?: number;
  consumerConcurrency?: number;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const run = randomBytes(5).toString('hex');
  const streams = {
    users: `USERS_NT_${run.toUpperCase()}`,
    posts: `POSTS_NT_${run.toUpperCase()}`,
    subjectPrefix: `nt${run}.`,
  };
  const durables = { users: `notification-users-${run}`, posts: `notification-posts-${run}` };
  const liveSubjectPrefix = `nt${run}.notify.user.`;
  const tokens = await startTokenIssuer();
  const db = await createTestDatabase(options.poolMax === undefined ? {} : { poolMax: options.poolMax });
  const publisher = await createNatsBus({ servers: NATS_URL, name: `notification-test-publisher-${run}` });

  const replicas: Replica[] = [];
  for (let index = 0; index < (options.replicas ?? 1); index += 1) {
    const bus = await createNatsBus({ servers: NATS_URL, name: `notification-test-${run}-${index}` });
    const database = index === 0 ? db.database : db.connect();
    const hub = createLiveHub({ bus, subjectPrefix: liveSubjectPrefix });
    const app = buildNotificationApp({
      database,
      hub,
      userVerifier: tokens.userVerifier,
      heartbeatMs: options.heartbeatMs ?? 15_000,
      retryMs: 500,
      maxStreamsPerUser: options.maxStreamsPerUser ?? 10,
      logLevel: 'silent',
    });
    const consumer = await startNotificationConsumer({
      database,
      bus,
      hub,
      followWindowMs: options.followWindowMs ?? 60_000,
      mentionGraceMs: options.mentionGraceMs ?? 0,
      streams,
      durables,
      concurrency: options.consumerConcurrency ?? 2,
    });
    app.addHook('onClose', () => consumer.stop());
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    replicas.push({ app, url: address, bus, database, consumer });
  }

  return {
    db,
    tokens,
    replicas,
    async publish(event) {
      await publisher.publish(`${streams.subjectPrefix}${event.type}`, event);
    },
    userEvent: (type, data) =>
      createEvent({ type, source: USER_EVENT_SOURCE, subject: String(Object.values(data)[0]), data }),
    postEvent: (type, data) => createEvent({ type, source: POST_EVENT_SOURCE, subject: String(data.postId), data }),
    async close() {
      for (const replica of replicas) {
        await replica.app.close();
        await replica.bus.close();
        if (replica.database !== db.database) await replica.database.close();
      }
      await publisher.close();
      const nc = await connect({ servers: NATS_URL });
      const jsm = await jetstreamManager(nc);
      await jsm.streams.delete(streams.users).catch(() => false);
      await jsm.streams.delete(streams.posts).catch(() => false);
      await nc.close();
      await db.drop();
      await tokens.close();
    },
  };
}
