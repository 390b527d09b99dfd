// Embedded mode, as the all-in-one runner uses it: no REDIS_URL and no NATS_URL, the API and the worker
// sharing one in-memory store and one in-process bus. Events are published to the bus directly (the
// producers are tested elsewhere); the page is read through the API with a real token.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createEvent } from '@scalegram/contracts/events';
import { POST_EVENT_SOURCE, PostEventType } from '@scalegram/contracts/post-events';
import { USER_EVENT_SOURCE, UserEventType } from '@scalegram/contracts/user-events';
import type { App } from '@scalegram/kit/app';
import { createMemoryStore } from '@scalegram/kv/memory-store';
import type { KeyValueStore } from '@scalegram/kv/port';
import { createInProcessBus } from '@scalegram/queue/in-process-bus';
import type { MessageBus } from '@scalegram/queue/port';
import { startTokenIssuer, TEST_ISSUER, type TokenIssuer } from '@scalegram/test-support/token-issuer';
import { loadFeedConfig } from '../src/config.ts';
import { SENTINEL } from '../src/domain/timeline-entry.ts';
import { startFeedService } from '../src/service.ts';
import { keys } from '../src/store/feed-keys.ts';
import { startFeedWorker } from '../src/worker-service.ts';
import { eventually } from './support/feed-system.ts';

let tokens: TokenIssuer;
let kv: KeyValueStore;
let bus: MessageBus;
let api: App;
let worker: App;

beforeAll(async () => {
  tokens = await startTokenIssuer();
  const config = loadFeedConfig({
    JWKS_URL: tokens.jwksUrl,
    AUTH_ISSUER: TEST_ISSUER,
    USER_SERVICE_URL: 'http://127.0.0.1:9',
    POST_SERVICE_URL: 'http://127.0.0.1:9',
    LOG_LEVEL: 'silent',
  });
  expect(config.REDIS_URL).toBeUndefined();
  kv = createMemoryStore({ keyPrefix: 'feed:' });
  bus = await createInProcessBus();
  worker = await startFeedWorker(config, { bus, kv });
  api = await startFeedService(config, { bus, kv });
  await api.ready();
});

afterAll(async () => {
  await api?.close();
  await worker?.close();
  await bus?.close();
  await kv?.close();
  await tokens?.close();
});

describe('embedded feed', () => {
  it('fans out through the in-process bus and serves the page; probes and metrics answer', async () => {
    // Reader 11 has read before, and the feed knows author 22's recent posts (none): as a regeneration
    // leaves them. (Without the latter, the follow would drop the timeline to be regenerated.)
    await kv.zadd(keys.timeline('11'), [{ member: SENTINEL, score: 0 }]);
    await kv.zadd(keys.recent('22'), [{ member: SENTINEL, score: 0 }]);
    await bus.publish(
      'user.followed',
      createEvent({
        type: UserEventType.followed,
        source: USER_EVENT_SOURCE,
        subject: '11',
        data: { followerId: '11', followeeId: '22' },
      }),
    );
    await eventually(async () => (await kv.zscore(keys.followers('22'), '11')) !== null);
    await bus.publish(
      'post.created',
      createEvent({
        type: PostEventType.created,
        source: POST_EVENT_SOURCE,
        subject: '9007199254740993',
        data: {
          postId: '9007199254740993',
          authorId: '22',
          text: 'hi',
          mediaIds: [],
          mentions: [],
          createdAt: new Date().toISOString(),
        },
      }),
    );
    const authorization = `Bearer ${await tokens.userToken('11')}`;
    const page = async () =>
      (await api.inject({ method: 'GET', url: '/api/v1/feed', headers: { authorization } })).json();
    await eventually(async () => (await page()).items.length === 1);
    expect(await page()).toEqual({ items: [{ postId: '9007199254740993', authorId: '22' }], nextCursor: null });

    for (const app of [api, worker]) {
      expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    }
    const metrics = await worker.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('feed_fanout_timeline_writes_total{op="add"');
  });
});
