// The feed API assembled from its configuration: the key-value store (Redis per REDIS_URL, else in
// memory), the clients of the user and post services used to regenerate lost timelines, and the app,
// with everything it opened released by its onClose hooks. Returned not listening: server.ts runs it
// alone, the embedded runner beside the other services (sharing one in-memory store with the worker).
import { createAccessTokenVerifier } from '@scalegram/kit/access-token';
import type { App } from '@scalegram/kit/app';
import { ServiceClient } from '@scalegram/kit/service-client';
import { openKeyValueStore } from '@scalegram/kv/open-store';
import type { KeyValueStore } from '@scalegram/kv/port';
import type { MessageBus } from '@scalegram/queue/port';
import { buildFeedApp } from './app.ts';
import { createRecentPostsSource } from './clients/post-client.ts';
import { createFollowingSource } from './clients/user-client.ts';
import { type FeedConfig, feedKeyPrefix, USER_AUDIENCE } from './config.ts';
import { createTimelineRegenerator } from './regeneration/timeline-regenerator.ts';

export interface SharedInfrastructure {
  /** A bus owned by the caller (the embedded runner's single in-process bus); not closed here. */
  bus?: MessageBus;
  /** A store owned by the caller (the embedded runner's in-memory store, shared with the worker). */
  kv?: KeyValueStore;
}

export async function startFeedService(config: FeedConfig, shared: SharedInfrastructure = {}): Promise<App> {
  const kv = shared.kv ?? (await openKeyValueStore({ url: config.REDIS_URL, keyPrefix: feedKeyPrefix(config) }));
  const userClient = new ServiceClient({
    name: 'user',
    baseUrl: config.USER_SERVICE_URL,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
  });
  const postClient = new ServiceClient({
    name: 'post',
    baseUrl: config.POST_SERVICE_URL,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
  });
  const regenerator = createTimelineRegenerator({
    kv,
    users: createFollowingSource(userClient),
    posts: createRecentPostsSource(postClient),
    settings: {
      timelineMax: config.FEED_TIMELINE_MAX,
      timelineTtlMs: config.FEED_TIMELINE_TTL_MS,
      lockMs: config.FEED_REGENERATION_LOCK_MS,
      waitMs: config.FEED_REGENERATION_WAIT_MS,
      recentPerAuthor: config.FEED_RECENT_POSTS_PER_AUTHOR,
      celebrityThreshold: config.FEED_CELEBRITY_THRESHOLD,
    },
  });
  const app = buildFeedApp({
    kv,
    regenerator,
    userVerifier: createAccessTokenVerifier({
      jwks: config.JWKS_URL,
      issuer: config.AUTH_ISSUER,
      audience: USER_AUDIENCE,
    }),
    logLevel: config.LOG_LEVEL,
  });
  // onClose hooks run in reverse registration order: the clients close, then the store.
  if (shared.kv === undefined) app.addHook('onClose', () => kv.close());
  app.addHook('onClose', () => postClient.close());
  app.addHook('onClose', () => userClient.close());
  return app;
}
