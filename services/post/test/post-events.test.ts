// Events go through each shard's outbox to a real NATS JetStream stream: exactly one event per change,
// with the contract's data, and nothing for a change that rolled back. Each run uses its own stream name
// and subject prefix, so parallel runs never see each other's events.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { Event } from '@scalegram/contracts/events';
import { createNatsBus } from '@scalegram/queue/nats-bus';
import type { Consumer, MessageBus } from '@scalegram/queue/port';
import { enqueuePostCreated } from '../src/events/post-event-outbox.ts';
import { type PostEventRelays, startPostEventRelays } from '../src/events/post-event-relay.ts';
import { type Harness, startHarness } from './support/post-harness.ts';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const run = randomBytes(5).toString('hex');
const stream = { name: `POSTS_TEST_${run.toUpperCase()}`, subjectPrefix: `t${run}.` };

let h: Harness;
let bus: MessageBus;
let relays: PostEventRelays;
let consumer: Consumer;
const received: { subject: string; event: Event<Record<string, unknown>> }[] = [];

async function waitFor(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for events');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const about = (postId: string) => received.filter((r) => r.event.subject === postId);

beforeAll(async () => {
  h = await startHarness({ shards: 3 });
  bus = await createNatsBus({ servers: NATS_URL, name: `post-events-test-${run}` });
  relays = await startPostEventRelays({ router: h.shards.router, bus, stream, pollIntervalMs: 100 });
  consumer = await bus.consume<Record<string, unknown>>(
    { stream: stream.name, durable: 'test', ackWaitMs: 5_000, maxDeliver: 3 },
    (delivery) => {
      received.push({ subject: delivery.subject, event: delivery.event });
    },
  );
});

afterAll(async () => {
  await consumer.stop();
  await relays.stop();
  await bus.close();
  const nc = await connect({ servers: NATS_URL });
  await (await jetstreamManager(nc)).streams.delete(stream.name).catch(() => false);
  await nc.close();
  await h.close();
});

describe('post events on JetStream', () => {
  it('each write publishes exactly its event, in order, with the contract data', async () => {
    const [author, fan] = [await h.user(), await h.user()];
    const created = await h.app.inject({
      method: 'POST',
      url: '/api/v1/posts',
      headers: author.headers,
      payload: { text: 'hello @Ana and @bob.' },
    });
    const post = created.json();
    const url = `/api/v1/posts/${post.id}`;
    await h.app.inject({ method: 'PATCH', url, headers: author.headers, payload: { text: 'now @carol' } });
    await h.app.inject({ method: 'PUT', url: `${url}/like`, headers: fan.headers });
    await h.app.inject({ method: 'PUT', url: `${url}/like`, headers: fan.headers }); // no-op: no event
    await h.app.inject({ method: 'DELETE', url: `${url}/like`, headers: fan.headers });
    await h.app.inject({ method: 'DELETE', url: `${url}/like`, headers: fan.headers }); // no-op
    const comment = (
      await h.app.inject({ method: 'POST', url: `${url}/comments`, headers: fan.headers, payload: { text: 'hi @Ana' } })
    ).json();
    await h.app.inject({ method: 'PATCH', url, headers: fan.headers, payload: { text: 'hijack' } }); // 403: no event
    await h.app.inject({ method: 'DELETE', url, headers: author.headers });
    await waitFor(() => about(post.id).some((r) => r.event.type === 'post.deleted'));

    const events = about(post.id);
    expect(events.map((r) => r.event.type)).toEqual([
      'post.created',
      'post.updated',
      'post.liked',
      'post.unliked',
      'post.commented',
      'post.deleted',
    ]);
    expect(events.map((r) => r.subject)).toEqual(events.map((r) => `${stream.subjectPrefix}${r.event.type}`));
    expect(events[0]?.event).toMatchObject({
      source: '/services/post',
      specversion: '1.0',
      data: {
        postId: post.id,
        authorId: author.id,
        text: 'hello @Ana and @bob.',
        mediaIds: [],
        mentions: ['ana', 'bob'],
        createdAt: post.createdAt,
      },
    });
    expect(events[1]?.event.data).toEqual({
      postId: post.id,
      authorId: author.id,
      text: 'now @carol',
      mentions: ['carol'],
    });
    expect(events[2]?.event.data).toEqual({ postId: post.id, postAuthorId: author.id, userId: fan.id });
    expect(events[3]?.event.data).toEqual({ postId: post.id, postAuthorId: author.id, userId: fan.id });
    expect(events[4]?.event.data).toEqual({
      postId: post.id,
      postAuthorId: author.id,
      commentId: comment.id,
      commenterId: fan.id,
      text: 'hi @Ana',
      mentions: ['ana'],
    });
    expect(events[5]?.event.data).toEqual({ postId: post.id, authorId: author.id });
  });

  it('an idempotent replay publishes nothing new', async () => {
    const author = await h.user();
    const send = () =>
      h.app.inject({
        method: 'POST',
        url: '/api/v1/posts',
        headers: { ...author.headers, 'idempotency-key': 'once' },
        payload: { text: 'replayed' },
      });
    const post = (await send()).json();
    await send();
    await send();
    // A later change to the same post is the marker: per-post order means anything earlier has arrived.
    await h.app.inject({ method: 'DELETE', url: `/api/v1/posts/${post.id}`, headers: author.headers });
    await waitFor(() => about(post.id).some((r) => r.event.type === 'post.deleted'));
    expect(about(post.id).map((r) => r.event.type)).toEqual(['post.created', 'post.deleted']);
  });

  it('a write whose transaction rolls back publishes nothing', async () => {
    const author = await h.user();
    const database = h.shards.router.databaseForUser(author.id);
    const ghostId = await h.user().then((u) => u.id);
    await expect(
      database.transaction(async (trx) => {
        await enqueuePostCreated(trx, {
          postId: ghostId,
          authorId: author.id,
          text: 'ghost',
          mediaIds: [],
          mentions: [],
          createdAt: new Date().toISOString(),
        });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    // The marker: a real post on the same shard committed after the rollback.
    const marker = await h.createPost(author.headers, { text: 'marker' });
    await waitFor(() => about(marker.id).length > 0);
    expect(about(ghostId)).toEqual([]);
    // Every event id is unique across the stream (outbox + Nats-Msg-Id de-duplication).
    const ids = received.map((r) => r.event.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
