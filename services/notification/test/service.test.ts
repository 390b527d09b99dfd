// startNotificationService with production adapters (a PostgreSQL URL and a NATS URL, on unique streams):
// it migrates, provisions the streams, consumes, serves the stream, and closes everything it opened.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createEvent } from '@scalegram/contracts/events';
import { namespacedStream } from '@scalegram/contracts/namespace';
import { POST_EVENT_SOURCE, PostEventType } from '@scalegram/contracts/post-events';
import type { App } from '@scalegram/kit/app';
import { createNatsBus } from '@scalegram/queue/nats-bus';
import type { MessageBus } from '@scalegram/queue/port';
import { createPostgresDatabase } from '@scalegram/relational/postgres-database';
import { startTokenIssuer, TEST_ISSUER, type TokenIssuer } from '@scalegram/test-support/token-issuer';
import { sql } from 'kysely';
import { loadNotificationConfig } from '../src/config.ts';
import { startNotificationService } from '../src/service.ts';
import { NATS_URL, newId } from './support/notification-harness.ts';
import { openSse, type SseClient } from './support/sse-client.ts';

const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const run = randomBytes(5).toString('hex');
const databaseName = `sg_notification_test_${run}`;
const streams = { users: `USERS_NS_${run.toUpperCase()}`, posts: `POSTS_NS_${run.toUpperCase()}`, prefix: `ns${run}.` };
// The service's own namespace on the shared NATS server (ADR 0040); the publisher joins it.
const namespace = `t${run}`;

let tokens: TokenIssuer;
let publisher: MessageBus;
let app: App | undefined;
let client: SseClient | undefined;

const admin = createPostgresDatabase<unknown>({ connectionString: ADMIN_URL, poolMax: 1 });

beforeAll(async () => {
  tokens = await startTokenIssuer();
  await sql.raw(`create database ${databaseName}`).execute(admin.db);
  publisher = await createNatsBus({ servers: NATS_URL, name: `notification-service-test-${run}`, namespace });
});

afterAll(async () => {
  client?.close();
  await app?.close();
  await publisher?.close();
  const nc = await connect({ servers: NATS_URL });
  const jsm = await jetstreamManager(nc);
  for (const name of [streams.users, streams.posts, 'DLQ']) {
    await jsm.streams.delete(namespacedStream(namespace, name)).catch(() => false);
  }
  await nc.close();
  await sql.raw(`drop database if exists ${databaseName} with (force)`).execute(admin.db);
  await admin.close();
  await tokens?.close();
});

describe('startNotificationService on PostgreSQL and NATS', () => {
  it('consumes, pushes live and closes what it opened', async () => {
    const url = new URL(ADMIN_URL);
    url.pathname = `/${databaseName}`;
    const config = loadNotificationConfig({
      DATABASE_URL: url.toString(),
      DATABASE_POOL_MAX: '3',
      NATS_URL,
      NAMESPACE: namespace,
      JWKS_URL: tokens.jwksUrl,
      AUTH_ISSUER: TEST_ISSUER,
      LOG_LEVEL: 'silent',
      USERS_STREAM_NAME: streams.users,
      POSTS_STREAM_NAME: streams.posts,
      EVENT_SUBJECT_PREFIX: streams.prefix,
      LIVE_SUBJECT_PREFIX: `${streams.prefix}notify.user.`,
    });
    app = await startNotificationService(config);
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);

    const author = newId();
    client = await openSse(`${base}/api/v1/notifications/stream`, {
      authorization: `Bearer ${await tokens.userToken(author)}`,
    });
    const postId = newId();
    await publisher.publish(
      `${streams.prefix}${PostEventType.liked}`,
      createEvent({
        type: PostEventType.liked,
        source: POST_EVENT_SOURCE,
        subject: postId,
        data: { postId, postAuthorId: author, userId: newId() },
      }),
    );
    await client.until((c) => c.notifications().length === 1);
    expect(client.notifications()[0]).toMatchObject({ id: '1', notification: { type: 'like', postId } });

    await app.close();
    app = undefined;
    await client.ended;
    // Every pooled connection was released: nothing of ours is left on the database. A closed
    // connection's backend leaves pg_stat_activity a moment after the client has let go, so poll briefly.
    const connections = async () =>
      Number(
        (
          await sql<{ count: string }>`
            select count(*) as count from pg_stat_activity where datname = ${databaseName}`.execute(admin.db)
        ).rows[0]?.count,
      );
    let remaining = await connections();
    for (let attempt = 0; attempt < 40 && remaining > 0; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      remaining = await connections();
    }
    expect(remaining).toBe(0);
  });
});
