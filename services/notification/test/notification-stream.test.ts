// The live stream on real servers (PostgreSQL, NATS JetStream, two replicas listening on real ports):
// a like reaches the author's open stream within a second; a dropped connection resumes with nothing
// lost or repeated; both replicas deliver, whichever one consumed the event; heartbeats, the token in
// the query, the end of the token's life and a graceful shutdown.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PostEventType } from '@scalegram/contracts/post-events';
import { USER_AUDIENCE } from '@scalegram/test-support/token-issuer';
import { processNotificationEvent } from '../src/events/notification-consumer.ts';
import { lastSeq } from '../src/store/notification-queries.ts';
import { type Harness, newId, startHarness } from './support/notification-harness.ts';
import { createRecordingHub } from './support/recording-hub.ts';
import { openSse, type SseClient } from './support/sse-client.ts';

let h: Harness;
const open: SseClient[] = [];

const STREAM = '/api/v1/notifications/stream';

async function stream(replica: number, userId: string, headers: Record<string, string> = {}, query = '') {
  const token = await h.tokens.userToken(userId);
  const client = await openSse(`${h.replicas[replica]?.url}${STREAM}${query}`, {
    authorization: `Bearer ${token}`,
    ...headers,
  });
  open.push(client);
  return client;
}

const like = (postAuthorId: string, postId = newId(), userId = newId()) =>
  h.postEvent(PostEventType.liked, { postId, postAuthorId, userId });

async function eventuallySeq(userId: string, expected: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Number(await lastSeq(h.db.database, userId)) < expected) {
    if (Date.now() > deadline) throw new Error(`inbox of ${userId} never reached seq ${expected}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const ids = (client: SseClient) => client.notifications().map((entry) => Number(entry.id));

beforeAll(async () => {
  h = await startHarness({ replicas: 2, heartbeatMs: 300, maxStreamsPerUser: 3 });
});

afterAll(async () => {
  for (const client of open) client.close();
  await h?.close();
});

describe('live delivery', () => {
  it("a like reaches the author's open stream within a second", async () => {
    const author = newId();
    const client = await stream(0, author);
    expect(client.status).toBe(200);
    expect(client.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(client.headers.get('cache-control')).toContain('no-cache');
    await client.until((c) => c.retries.length > 0);
    expect(client.retries[0]).toBe(500);

    const postId = newId();
    const started = Date.now();
    await h.publish(like(author, postId));
    await client.until((c) => c.notifications().length === 1, 1_000);
    const elapsed = Date.now() - started;
    const [received] = client.notifications();
    expect(received?.id).toBe('1');
    expect(received?.notification).toMatchObject({ type: 'like', postId, actorCount: 1, read: false });
    expect(client.frames[0]?.event).toBe('notification');
    expect(elapsed).toBeLessThan(1_000);
  });

  it('an update of a collapsed notification comes again under a new event id', async () => {
    const author = newId();
    const postId = newId();
    const client = await stream(0, author);
    await h.publish(like(author, postId));
    await client.until((c) => c.notifications().length === 1);
    await h.publish(like(author, postId));
    await client.until((c) => c.notifications().length === 2);
    const [first, second] = client.notifications();
    expect(second?.id).toBe('2');
    expect(second?.notification.id).toBe(first?.notification.id);
    expect(second?.notification.actorCount).toBe(2);
  });

  it('sends heartbeat comments while nothing happens', async () => {
    const client = await stream(0, newId());
    await client.until((c) => c.comments.filter((comment) => comment === 'ping').length >= 2, 2_000);
  });

  it('a change whose live message was lost is read from the database when the next one shows the gap', async () => {
    const author = newId();
    const client = await stream(0, author);
    // Applied without an announcement, as if the replica had died between commit and publish.
    const silent = like(author);
    await processNotificationEvent(
      { database: h.db.database, hub: createRecordingHub(), followWindowMs: 60_000, mentionGraceMs: 0 },
      silent,
    );
    await h.publish(like(author));
    await client.until((c) => c.notifications().length === 2);
    expect(ids(client)).toEqual([1, 2]);
    expect(client.notifications()[0]?.notification.postId).toBe((silent.data as { postId: string }).postId);
  });
});

describe('resume', () => {
  it('a dropped connection resumes from Last-Event-ID with nothing lost or repeated', async () => {
    const author = newId();
    const first = await stream(0, author);
    const collapsing = newId();
    await h.publish(like(author, collapsing));
    await h.publish(like(author));
    await first.until((c) => c.notifications().length === 2);
    first.close();

    // While disconnected: two new notifications and an update of the first one.
    await h.publish(like(author));
    await h.publish(like(author, collapsing));
    await h.publish(like(author));
    await eventuallySeq(author, 5);

    const lastEventId = first.notifications().at(-1)?.id as string;
    const second = await stream(1, author, { 'last-event-id': lastEventId });
    await second.until((c) => c.notifications().length === 3);
    await h.publish(like(author));
    await second.until((c) => c.notifications().length === 4);
    expect(ids(first)).toEqual([1, 2]);
    expect(ids(second)).toEqual([3, 4, 5, 6]);
    // The update of the first notification is among them (the consumers apply events concurrently, so
    // not necessarily in publication order), under a new event id.
    const update = second.notifications().find((entry) => entry.notification.postId === collapsing);
    expect(update?.notification.actorCount).toBe(2);
    expect(update?.notification.id).toBe(first.notifications()[0]?.notification.id);
  });

  it('reconnecting in the middle of a burst still sees every change exactly once', async () => {
    const author = newId();
    const first = await stream(0, author);
    const burst = (async () => {
      for (let n = 0; n < 30; n += 1) await h.publish(like(author));
    })();
    await first.until((c) => c.notifications().length >= 5);
    first.close();
    const resumeAfter = first.notifications().at(-1)?.id as string;
    const second = await stream(1, author, {}, `?lastEventId=${resumeAfter}`);
    await burst;
    await second.until((c) => Number(c.notifications().at(-1)?.id ?? 0) === 30, 10_000);
    const seen = [...ids(first), ...ids(second)];
    expect(seen).toEqual(Array.from({ length: 30 }, (_, n) => n + 1));
  });

  it('without Last-Event-ID a stream starts with what happens from now on', async () => {
    const author = newId();
    await h.publish(like(author));
    await eventuallySeq(author, 1);
    const client = await stream(0, author);
    await h.publish(like(author));
    await client.until((c) => c.notifications().length === 1);
    expect(ids(client)).toEqual([2]);
  });
});

describe('two replicas', () => {
  it('both deliver, even when the other replica consumed the event', async () => {
    const author = newId();
    const onFirst = await stream(0, author);
    const onSecond = await stream(1, author);
    await h.publish(like(author));
    await onFirst.until((c) => c.notifications().length === 1);
    await onSecond.until((c) => c.notifications().length === 1);

    // Only the second replica consumes from now on: the first one's stream hears through NATS.
    await h.replicas[0]?.consumer.stop();
    for (let n = 0; n < 3; n += 1) await h.publish(like(author));
    await onFirst.until((c) => c.notifications().length === 4);
    await onSecond.until((c) => c.notifications().length === 4);
    expect(ids(onFirst)).toEqual([1, 2, 3, 4]);
    expect(ids(onSecond)).toEqual([1, 2, 3, 4]);
  });
});

describe('authentication and lifetime', () => {
  it('accepts the token in the query (EventSource cannot send headers) and refuses a missing or bad one', async () => {
    const author = newId();
    const token = await h.tokens.userToken(author);
    const viaQuery = await openSse(`${h.replicas[0]?.url}${STREAM}?access_token=${token}`);
    open.push(viaQuery);
    expect(viaQuery.status).toBe(200);
    await h.publish(like(author));
    await viaQuery.until((c) => c.notifications().length === 1);

    const anonymous = await h.replicas[0]?.app.inject({ url: STREAM });
    expect(anonymous?.statusCode).toBe(401);
    const bad = await h.replicas[0]?.app.inject({ url: `${STREAM}?access_token=not-a-token` });
    expect(bad?.json()).toMatchObject({ status: 401, code: 'invalid-token' });
    const service = await h.replicas[0]?.app.inject({
      url: STREAM,
      headers: {
        authorization: `Bearer ${await h.tokens.serviceToken('posts:read', { client: 'feed', audience: USER_AUDIENCE })}`,
      },
    });
    expect(service?.statusCode).toBe(403);
    const badResume = await h.replicas[0]?.app.inject({
      url: `${STREAM}?access_token=${token}`,
      headers: { 'last-event-id': 'x1' },
    });
    expect(badResume?.statusCode).toBe(400);
  });

  it('refuses more streams per user than allowed on one replica, and counts closed ones out', async () => {
    const author = newId();
    const held = [];
    for (let n = 0; n < 3; n += 1) held.push(await stream(0, author));
    const refused = await h.replicas[0]?.app.inject({
      url: STREAM,
      headers: { authorization: `Bearer ${await h.tokens.userToken(author)}` },
    });
    expect(refused?.json()).toMatchObject({ status: 429, code: 'too-many-streams' });
    held[0]?.close();
    await held[0]?.ended;
    const deadline = Date.now() + 5_000;
    let again = await openSse(`${h.replicas[0]?.url}${STREAM}`, {
      authorization: `Bearer ${await h.tokens.userToken(author)}`,
    });
    while (again.status === 429 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      again = await openSse(`${h.replicas[0]?.url}${STREAM}`, {
        authorization: `Bearer ${await h.tokens.userToken(author)}`,
      });
    }
    open.push(again);
    expect(again.status).toBe(200);
  });

  it('ends the stream when the access token expires, so the client reconnects with a fresh one', async () => {
    const author = newId();
    const token = await h.tokens.userToken(author, { expiresIn: '2s' });
    const client = await openSse(`${h.replicas[0]?.url}${STREAM}`, { authorization: `Bearer ${token}` });
    open.push(client);
    expect(client.status).toBe(200);
    await client.ended;
  });

  it('a stopping replica ends its streams (with a spread retry hint) instead of waiting for them', async () => {
    const author = newId();
    const client = await stream(1, author);
    await client.until((c) => c.retries.length === 1);
    await h.replicas[1]?.app.close();
    await client.ended;
    expect(client.retries).toHaveLength(2);
    expect(client.retries[1]).toBeLessThanOrEqual(500);
  });
});
