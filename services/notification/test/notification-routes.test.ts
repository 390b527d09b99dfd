// The HTTP API with app.inject against a real PostgreSQL: listing with the unread count and cursor
// pagination, marking read, authentication and validation.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createEvent } from '@scalegram/contracts/events';
import type { NotificationPage } from '@scalegram/contracts/notifications';
import { POST_EVENT_SOURCE, PostEventType } from '@scalegram/contracts/post-events';
import type { App } from '@scalegram/kit/app';
import { startTokenIssuer, type TokenIssuer, USER_AUDIENCE } from '@scalegram/test-support/token-issuer';
import { buildNotificationApp } from '../src/app.ts';
import { processNotificationEvent } from '../src/events/notification-consumer.ts';
import { newId } from './support/notification-harness.ts';
import { createRecordingHub } from './support/recording-hub.ts';
import { createTestDatabase, type TestDatabase } from './support/test-database.ts';

let db: TestDatabase;
let tokens: TokenIssuer;
let app: App;
const hub = createRecordingHub();

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function likes(author: string, count: number): Promise<void> {
  for (let n = 0; n < count; n += 1) {
    const data = { postId: newId(), postAuthorId: author, userId: newId() };
    await processNotificationEvent(
      { database: db.database, hub, followWindowMs: 60_000, mentionGraceMs: 0 },
      createEvent({ type: PostEventType.liked, source: POST_EVENT_SOURCE, subject: data.postId, data }),
    );
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  tokens = await startTokenIssuer();
  app = buildNotificationApp({
    database: db.database,
    hub,
    userVerifier: tokens.userVerifier,
    heartbeatMs: 15_000,
    retryMs: 1_000,
    maxStreamsPerUser: 10,
    logLevel: 'silent',
  });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
  await tokens?.close();
});

describe('GET /api/v1/notifications', () => {
  it("lists only the caller's notifications, newest first, with the unread count, page by page", async () => {
    const [me, someone] = [newId(), newId()];
    await likes(me, 5);
    await likes(someone, 2);
    const token = await tokens.userToken(me);
    const first = await app.inject({ url: '/api/v1/notifications?limit=3', headers: bearer(token) });
    expect(first.statusCode).toBe(200);
    const body = first.json<NotificationPage>();
    expect(body.items).toHaveLength(3);
    expect(body.unreadCount).toBe(5);
    expect(Object.keys(body.items[0] ?? {}).sort()).toEqual(
      ['actorCount', 'actorIds', 'commentId', 'createdAt', 'id', 'postId', 'read', 'type', 'updatedAt'].sort(),
    );
    const second = await app.inject({
      url: `/api/v1/notifications?limit=3&cursor=${body.nextCursor}`,
      headers: bearer(token),
    });
    const rest = second.json<NotificationPage>();
    expect(rest.items).toHaveLength(2);
    expect(rest.nextCursor).toBeNull();
    const ids = [...body.items, ...rest.items].map((item) => BigInt(item.id));
    expect(ids).toEqual([...ids].sort((a, b) => (a > b ? -1 : 1)));
  });

  it('answers 401 without a token, 403 for a service token, 400 for a forged cursor or a bad limit', async () => {
    expect((await app.inject({ url: '/api/v1/notifications' })).statusCode).toBe(401);
    const service = await app.inject({
      url: '/api/v1/notifications',
      headers: bearer(await tokens.serviceToken('posts:read', { client: 'feed', audience: USER_AUDIENCE })),
    });
    expect(service.statusCode).toBe(403);
    const token = await tokens.userToken(newId());
    const forged = await app.inject({ url: '/api/v1/notifications?cursor=eyJ4IjoxfQ', headers: bearer(token) });
    expect(forged.json()).toMatchObject({ status: 400, code: 'invalid-cursor' });
    // The audit's cursor: 19 digits, beyond a bigint (was a 500 from Postgres), and its neighbours.
    for (const s of ['9999999999999999999', '9223372036854775808', '-1', '1\u0000']) {
      const cursor = Buffer.from(JSON.stringify({ s })).toString('base64url');
      const response = await app.inject({ url: `/api/v1/notifications?cursor=${cursor}`, headers: bearer(token) });
      expect([s, response.statusCode, response.json().code]).toEqual([s, 400, 'invalid-cursor']);
    }
    const limit = await app.inject({ url: '/api/v1/notifications?limit=0', headers: bearer(token) });
    expect(limit.json()).toMatchObject({ status: 400, code: 'validation-failed' });
  });
});

describe('OpenAPI', () => {
  it('documents the three routes, the stream as text/event-stream', async () => {
    const doc = (await app.inject({ url: '/openapi.json' })).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/notifications', '/api/v1/notifications/read', '/api/v1/notifications/stream']),
    );
    expect(Object.keys(doc.paths['/api/v1/notifications/stream'].get.responses['200'].content)).toEqual([
      'text/event-stream',
    ]);
  });
});

describe('logs', () => {
  it('never contain a token passed in the query of the stream', async () => {
    const lines: string[] = [];
    const logged = buildNotificationApp({
      database: db.database,
      hub,
      userVerifier: tokens.userVerifier,
      heartbeatMs: 15_000,
      retryMs: 1_000,
      maxStreamsPerUser: 10,
      logLevel: 'info',
      logDestination: { write: (line: string) => lines.push(line) },
    });
    const token = await tokens.userToken(newId(), { audience: 'someone-else' });
    const response = await logged.inject({ url: `/api/v1/notifications/stream?lastEventId=3&access_token=${token}` });
    expect(response.statusCode).toBe(401);
    await logged.close();
    const output = lines.join('');
    expect(output).toContain('access_token=[redacted]');
    expect(output).toContain('lastEventId=3');
    expect(output).not.toContain(token);
  });
});

describe('POST /api/v1/notifications/read', () => {
  it('marks read up to a notification and answers the unread count left', async () => {
    const me = newId();
    await likes(me, 4);
    const token = await tokens.userToken(me);
    const { items } = (
      await app.inject({ url: '/api/v1/notifications', headers: bearer(token) })
    ).json<NotificationPage>();
    const read = await app.inject({
      method: 'POST',
      url: '/api/v1/notifications/read',
      headers: bearer(token),
      payload: { upTo: items[1]?.id },
    });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual({ unreadCount: 1 });
    const after = (await app.inject({ url: '/api/v1/notifications', headers: bearer(token) })).json<NotificationPage>();
    expect(after.items.map((item) => item.read)).toEqual([false, true, true, true]);
  });

  it("404 for someone else's notification; 400 for a malformed or extra field; 401 anonymous", async () => {
    const [me, other] = [newId(), newId()];
    await likes(other, 1);
    const theirs = (
      await app.inject({ url: '/api/v1/notifications', headers: bearer(await tokens.userToken(other)) })
    ).json<NotificationPage>().items[0]?.id;
    const token = await tokens.userToken(me);
    const post = (payload: unknown, headers = bearer(token)) =>
      app.inject({ method: 'POST', url: '/api/v1/notifications/read', headers, payload: payload as object });
    expect((await post({ upTo: theirs })).json()).toMatchObject({ status: 404, code: 'notification-not-found' });
    expect((await post({ upTo: 'abc' })).statusCode).toBe(400);
    expect((await post({ upTo: '99999999999999999999' })).statusCode).toBe(400);
    expect((await post({ upTo: '9999999999999999999' })).statusCode).toBe(400);
    expect((await post({ upTo: theirs, all: true })).statusCode).toBe(400);
    expect((await post({ upTo: theirs }, {} as never)).statusCode).toBe(401);
  });
});
