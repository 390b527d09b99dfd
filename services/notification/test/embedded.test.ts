// The embedded mode: startNotificationService with no URLs (PGlite, and the in-process bus shared with
// the caller, as the all-in-one runner shares one between all services). Events published on that bus
// become notifications, listed over HTTP and pushed live over SSE.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createEvent } from '@scalegram/contracts/events';
import type { NotificationPage } from '@scalegram/contracts/notifications';
import { POST_EVENT_SOURCE, PostEventType } from '@scalegram/contracts/post-events';
import { USER_EVENT_SOURCE, UserEventType } from '@scalegram/contracts/user-events';
import type { App } from '@scalegram/kit/app';
import { openBus } from '@scalegram/queue/open-bus';
import type { MessageBus } from '@scalegram/queue/port';
import { startTokenIssuer, TEST_ISSUER, type TokenIssuer } from '@scalegram/test-support/token-issuer';
import { loadNotificationConfig } from '../src/config.ts';
import { startNotificationService } from '../src/service.ts';
import { newId } from './support/notification-harness.ts';
import { openSse, type SseClient } from './support/sse-client.ts';

let tokens: TokenIssuer;
let bus: MessageBus;
let app: App;
let url: string;
let client: SseClient | undefined;

beforeAll(async () => {
  tokens = await startTokenIssuer();
  bus = await openBus({ url: undefined, name: 'embedded-test' });
  const config = loadNotificationConfig({ JWKS_URL: tokens.jwksUrl, AUTH_ISSUER: TEST_ISSUER, LOG_LEVEL: 'silent' });
  expect(config.DATABASE_URL).toBeUndefined();
  expect(config.NATS_URL).toBeUndefined();
  app = await startNotificationService(config, { bus });
  url = await app.listen({ port: 0, host: '127.0.0.1' });
}, 60_000);

afterAll(async () => {
  client?.close();
  await app?.close();
  await bus?.close();
  await tokens?.close();
});

describe('embedded mode', () => {
  it('turns events on the shared in-process bus into listed and live notifications', async () => {
    const [author, fan, mentioned] = [newId(), newId(), newId()];
    const token = await tokens.userToken(author);
    client = await openSse(`${url}/api/v1/notifications/stream?access_token=${token}`);
    expect(client.status).toBe(200);

    const registered = createEvent({
      type: UserEventType.registered,
      source: USER_EVENT_SOURCE,
      subject: author,
      data: { userId: author, username: 'Embedded_Author', displayName: 'A' },
    });
    await bus.publish(UserEventType.registered, registered);
    const postId = newId();
    const liked = createEvent({
      type: PostEventType.liked,
      source: POST_EVENT_SOURCE,
      subject: postId,
      data: { postId, postAuthorId: author, userId: fan },
    });
    await bus.publish(PostEventType.liked, liked);
    await client.until((c) => c.notifications().length === 1);
    expect(client.notifications()[0]?.notification).toMatchObject({ type: 'like', actorIds: [fan] });

    // A mention of the author, once the USERS projection knows the username.
    const mentioning = createEvent({
      type: PostEventType.created,
      source: POST_EVENT_SOURCE,
      subject: postId,
      data: {
        postId: newId(),
        authorId: mentioned,
        text: 'hi @embedded_author',
        mediaIds: [],
        mentions: ['embedded_author'],
        createdAt: new Date().toISOString(),
      },
    });
    await bus.publish(PostEventType.created, mentioning);
    await client.until((c) => c.notifications().length === 2);

    const page = await app.inject({ url: '/api/v1/notifications', headers: { authorization: `Bearer ${token}` } });
    const body = page.json<NotificationPage>();
    expect(body.unreadCount).toBe(2);
    expect(body.items.map((item) => item.type)).toEqual(['mention', 'like']);
  });
});
