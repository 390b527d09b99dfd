// The event-driven services on top of the content services, all on ONE in-process bus: the feed (API
// and fan-out worker sharing one in-memory store), search (embedded vector index) and any number of
// notification replicas on one scratch database. Built from their packages' ./service exports, as the
// embedded system does; each listens on an ephemeral port.

import { loadFeedConfig } from '@scalegram/feed-service/config';
import { startFeedService } from '@scalegram/feed-service/service';
import { startFeedWorker } from '@scalegram/feed-service/worker';
import type { App } from '@scalegram/kit/app';
import { createMemoryStore } from '@scalegram/kv/memory-store';
import { loadNotificationConfig } from '@scalegram/notification-service/config';
import { startNotificationService } from '@scalegram/notification-service/service';
import { createInProcessBus } from '@scalegram/queue/in-process-bus';
import { loadSearchConfig } from '@scalegram/search-service/config';
import { startSearchService } from '@scalegram/search-service/service';
import { type ContentServices, startContentServices } from './content-services.ts';
import { listen } from './fake-upstreams.ts';
import { ISSUER } from './signing-keys.ts';

export interface EventServices extends ContentServices {
  feedUrl: string;
  searchUrl: string;
  notificationUrls: string[];
  closeAll(): Promise<void>;
}

export async function startEventServices(options: { notificationReplicas: number; heartbeatMs: number }) {
  const bus = await createInProcessBus();
  const content = await startContentServices({ bus });
  const common = { JWKS_URL: content.jwksUrl, AUTH_ISSUER: ISSUER, LOG_LEVEL: 'silent' };
  const apps: App[] = [];
  const start = async (app: App) => {
    apps.push(app);
    return listen(app);
  };

  const feedKv = createMemoryStore();
  const feedConfig = loadFeedConfig({
    ...common,
    USER_SERVICE_URL: content.urls.user,
    POST_SERVICE_URL: content.urls.post,
  });
  const feedUrl = await start(await startFeedService(feedConfig, { bus, kv: feedKv }));
  apps.push(await startFeedWorker(feedConfig, { bus, kv: feedKv }));
  const searchUrl = await start(
    await startSearchService(loadSearchConfig({ ...common, POST_SERVICE_URL: content.urls.post }), { bus }),
  );
  const notificationDatabase = content.database('notification');
  const notificationUrls: string[] = [];
  for (let i = 0; i < options.notificationReplicas; i += 1) {
    const config = loadNotificationConfig({
      ...common,
      DATABASE_URL: notificationDatabase,
      DATABASE_POOL_MAX: '3',
      SSE_HEARTBEAT_MS: String(options.heartbeatMs),
      SSE_RETRY_MS: '0',
    });
    notificationUrls.push(await start(await startNotificationService(config, { bus })));
  }

  const services: EventServices = {
    ...content,
    feedUrl,
    searchUrl,
    notificationUrls,
    async closeAll() {
      for (const app of apps.reverse()) await app.close();
      await feedKv.close();
      await content.close();
      await bus.close();
    },
  };
  return services;
}
