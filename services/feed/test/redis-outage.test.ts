// A Redis stall (a PRIVATE redis-server paused with SIGSTOP, never the shared one): the feed API answers
// 503 problem+json instead of hanging, the worker's handler fails and the event is redelivered with
// back-off instead of being acknowledged, and once Redis answers again the post reaches the timeline —
// no acknowledged post is lost. Events are published to an in-process bus directly (the producers are
// not what this is about).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createEvent } from '@scalegram/contracts/events';
import { POST_EVENT_SOURCE, PostEventType } from '@scalegram/contracts/post-events';
import type { App } from '@scalegram/kit/app';
import { openKeyValueStore } from '@scalegram/kv/open-store';
import type { KeyValueStore } from '@scalegram/kv/port';
import { createInProcessBus } from '@scalegram/queue/in-process-bus';
import type { MessageBus } from '@scalegram/queue/port';
import { type PrivateRedis, startPrivateRedis } from '@scalegram/test-support/private-redis';
import { startTokenIssuer, TEST_ISSUER, type TokenIssuer } from '@scalegram/test-support/token-issuer';
import { feedKeyPrefix, loadFeedConfig } from '../src/config.ts';
import { SENTINEL } from '../src/domain/timeline-entry.ts';
import { startFeedService } from '../src/service.ts';
import { keys } from '../src/store/feed-keys.ts';
import { startFeedWorker } from '../src/worker-service.ts';
import { eventually } from './support/feed-system.ts';

let redis: PrivateRedis;
let tokens: TokenIssuer;
let kv: KeyValueStore;
let bus: MessageBus;
let api: App;
let worker: App;

beforeAll(async () => {
  redis = await startPrivateRedis();
  tokens = await startTokenIssuer();
  const config = loadFeedConfig({
    JWKS_URL: tokens.jwksUrl,
    AUTH_ISSUER: TEST_ISSUER,
    USER_SERVICE_URL: 'http://127.0.0.1:9',
    POST_SERVICE_URL: 'http://127.0.0.1:9',
    REDIS_URL: redis.url,
    LOG_LEVEL: 'silent',
  });
  kv = await openKeyValueStore({ url: redis.url, keyPrefix: feedKeyPrefix(config) });
  bus = await createInProcessBus();
  worker = await startFeedWorker(config, { bus });
  api = await startFeedService(config, { bus });
  await api.ready();
});

afterAll(async () => {
  redis?.resume();
  await api?.close();
  await worker?.close();
  await bus?.close();
  await kv?.close();
  await tokens?.close();
  await redis?.stop();
});

describe('Redis stalls', () => {
  it('503 on reads, redelivery for events, and the post arrives once Redis is back', async () => {
    await kv.zadd(keys.timeline('7'), [{ member: SENTINEL, score: 0 }]);
    const authorization = `Bearer ${await tokens.userToken('7')}`;
    const read = () => api.inject({ method: 'GET', url: '/api/v1/feed', headers: { authorization } });
    expect((await read()).json()).toEqual({ items: [], nextCursor: null });

    redis.pause();
    try {
      const during = await read();
      expect(during.statusCode).toBe(503);
      expect(during.headers['content-type']).toContain('application/problem+json');
      await bus.publish(
        'post.created',
        createEvent({
          type: PostEventType.created,
          source: POST_EVENT_SOURCE,
          subject: '123456789',
          data: {
            postId: '123456789',
            authorId: '7',
            text: 'written during the stall',
            mediaIds: [],
            mentions: [],
            createdAt: new Date().toISOString(),
          },
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 2_500)); // past the 2 s command timeout
    } finally {
      redis.resume();
    }
    await eventually(async () => (await read()).json().items?.length === 1, 20_000);
    expect((await read()).json()).toEqual({ items: [{ postId: '123456789', authorId: '7' }], nextCursor: null });
  });
});
