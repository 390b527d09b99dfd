// The post-count consumer on a real NATS JetStream stream (unique name and subject prefix per run):
// post.created / post.deleted move users.post_count, and an event delivered twice — with its
// de-duplication id changed, as a redelivery after the duplicate window would be — counts once.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createEvent } from '@scalegram/contracts/events';
import { POST_EVENT_SOURCE, PostEventType } from '@scalegram/contracts/post-events';
import { createNatsBus } from '@scalegram/queue/nats-bus';
import type { MessageBus } from '@scalegram/queue/port';
import {
  applyPostCountEvent,
  type PostCountConsumer,
  startPostCountConsumer,
} from '../src/events/post-count-consumer.ts';
import { type Harness, startHarness } from './support/user-harness.ts';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const run = randomBytes(5).toString('hex');
const stream = { name: `POSTS_TEST_${run.toUpperCase()}`, subjectPrefix: `t${run}.` };

let h: Harness;
let bus: MessageBus;
let consumer: PostCountConsumer;

async function postCount(userId: string): Promise<number> {
  const row = await h.db.database.db
    .selectFrom('users')
    .select('post_count')
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.post_count);
}

async function eventually(read: () => Promise<number>, expected: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (value !== expected) {
    if (Date.now() > deadline) throw new Error(`expected ${expected}, still ${value}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
    value = await read();
  }
}

const postEvent = (type: string, postId: string, authorId: string) =>
  createEvent({
    type,
    source: POST_EVENT_SOURCE,
    subject: postId,
    data:
      type === PostEventType.created
        ? { postId, authorId, text: 't', mediaIds: [], mentions: [], createdAt: new Date().toISOString() }
        : { postId, authorId },
  });

beforeAll(async () => {
  h = await startHarness();
  bus = await createNatsBus({ servers: NATS_URL, name: `post-count-test-${run}` });
  consumer = await startPostCountConsumer({ database: h.db.database, bus, stream });
});

afterAll(async () => {
  await consumer?.stop();
  await bus?.close();
  const nc = await connect({ servers: NATS_URL });
  await (await jetstreamManager(nc)).streams.delete(stream.name).catch(() => false);
  await nc.close();
  await h.close();
});

describe('post-count consumer', () => {
  it('counts post.created and post.deleted from the stream, each event once', async () => {
    const author = await h.register();
    const created = [1, 2, 3].map((n) => postEvent(PostEventType.created, `${n}00`, author.id));
    for (const event of created) await bus.publish(`${stream.subjectPrefix}${event.type}`, event);
    await eventually(() => postCount(author.id), 3);

    // The first event again under another de-duplication id: JetStream stores and delivers it.
    const again = created[0];
    if (again === undefined) throw new Error('no event');
    const result = await bus.publish(`${stream.subjectPrefix}${again.type}`, again, {
      msgId: `${again.id}:redelivered`,
    });
    expect(result.duplicate).toBe(false);
    const deleted = postEvent(PostEventType.deleted, '200', author.id);
    await bus.publish(`${stream.subjectPrefix}${deleted.type}`, deleted);
    // The delete lands after the duplicate (one stream, in order): 3 - 1 = 2, not 3.
    await eventually(() => postCount(author.id), 2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await postCount(author.id)).toBe(2);

    const profile = await h.app.inject({
      method: 'GET',
      url: `/api/v1/users/${author.id}`,
      headers: { authorization: `Bearer ${author.token}` },
    });
    expect(profile.json().postCount).toBe(2);
  });

  it('other post events are skipped and change nothing', async () => {
    const author = await h.register();
    const liked = createEvent({
      type: PostEventType.liked,
      source: POST_EVENT_SOURCE,
      subject: '5',
      data: { postId: '5', postAuthorId: author.id, userId: '9' },
    });
    await bus.publish(`${stream.subjectPrefix}${liked.type}`, liked);
    const marker = postEvent(PostEventType.created, '6', author.id);
    await bus.publish(`${stream.subjectPrefix}${marker.type}`, marker);
    await eventually(() => postCount(author.id), 1);
  });

  it('applying one event twice changes the count once; the count never goes below zero', async () => {
    const author = await h.register();
    const event = postEvent(PostEventType.created, '7', author.id);
    expect(await applyPostCountEvent(h.db.database, event)).toBe(true);
    expect(await applyPostCountEvent(h.db.database, event)).toBe(false);
    expect(await postCount(author.id)).toBe(1);
    for (const postId of ['7', '8']) {
      await applyPostCountEvent(h.db.database, postEvent(PostEventType.deleted, postId, author.id));
    }
    expect(await postCount(author.id)).toBe(0);
    // An event for an unknown user is recorded and ignored.
    expect(await applyPostCountEvent(h.db.database, postEvent(PostEventType.created, '9', '424242'))).toBe(true);
  });
});
