// A real Scalegram in this process for the integration tests: auth, user, post, media, the media worker,
// the feed (API and fan-out worker, sharing one in-memory store) and the gateway, each started with its own `startXService` on an
// ephemeral loopback port, all embedded (PGlite, in-memory KV, local files in a temporary directory) and
// sharing one in-process bus. The gateway runs without its per-user rate limit and auth with wide
// throttles, as every load target must (see the README).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAuthConfig } from '@scalegram/auth-service/config';
import { startAuthService } from '@scalegram/auth-service/service';
import { loadFeedConfig } from '@scalegram/feed-service/config';
import { startFeedService } from '@scalegram/feed-service/service';
import { startFeedWorker } from '@scalegram/feed-service/worker';
import { loadGatewayConfig } from '@scalegram/gateway-service/config';
import { startGatewayService } from '@scalegram/gateway-service/service';
import { openKeyValueStore } from '@scalegram/kv/open-store';
import { loadMediaConfig } from '@scalegram/media-service/config';
import { startMediaService } from '@scalegram/media-service/service';
import { loadMediaWorkerConfig } from '@scalegram/media-worker-service/config';
import { startMediaWorkerService } from '@scalegram/media-worker-service/service';
import { loadPostConfig } from '@scalegram/post-service/config';
import { startPostService } from '@scalegram/post-service/service';
import { createInProcessBus } from '@scalegram/queue/in-process-bus';
import { loadUserConfig } from '@scalegram/user-service/config';
import { startUserService } from '@scalegram/user-service/service';
import { unusedPort } from './test-server.ts';

export interface TestSystem {
  gatewayUrl: string;
  close(): Promise<void>;
}

interface Closable {
  close(): Promise<unknown>;
  listen(options: { port: number; host: string }): Promise<string>;
}

export async function startTestSystem(): Promise<TestSystem> {
  const dir = await mkdtemp(join(tmpdir(), 'loadgen-system-'));
  const bus = await createInProcessBus();
  const feedStore = await openKeyValueStore({ keyPrefix: 'feed:' });
  const ports = {
    auth: await unusedPort(),
    user: await unusedPort(),
    post: await unusedPort(),
    media: await unusedPort(),
    feed: await unusedPort(),
    gateway: await unusedPort(),
  };
  const url = (port: number) => `http://127.0.0.1:${port}`;
  const jwks = `${url(ports.auth)}/.well-known/jwks.json`;
  const common = { HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
  const started: Closable[] = [];
  const listen = async (app: Closable, port: number) => {
    started.push(app);
    await app.listen({ port, host: '127.0.0.1' });
  };

  const mediaDir = join(dir, 'media');
  try {
    // The four services with databases start side by side (their URLs are fixed in advance); allSettled,
    // so that whatever did start is closed again if one of them fails.
    const first = await Promise.allSettled([
      (async () =>
        listen(
          await startAuthService(
            loadAuthConfig({
              ...common,
              PORT: String(ports.auth),
              AUTH_KEYS_FILE: join(dir, 'keys.json'),
              USER_SERVICE_URL: url(ports.user),
              REGISTER_ADDRESS_LIMIT: '100000',
              LOGIN_ADDRESS_LIMIT: '100000',
              LOGIN_USERNAME_LIMIT: '100000',
            }),
          ),
          ports.auth,
        ))(),
      (async () =>
        listen(
          await startUserService(loadUserConfig({ ...common, PORT: String(ports.user), JWKS_URL: jwks }), { bus }),
          ports.user,
        ))(),
      (async () =>
        listen(
          await startMediaService(
            loadMediaConfig({ ...common, PORT: String(ports.media), JWKS_URL: jwks, DATA_DIR: mediaDir }),
            { bus },
          ),
          ports.media,
        ))(),
      (async () =>
        listen(
          await startPostService(
            loadPostConfig({
              ...common,
              PORT: String(ports.post),
              JWKS_URL: jwks,
              MEDIA_SERVICE_URL: url(ports.media),
            }),
            { bus },
          ),
          ports.post,
        ))(),
    ]);
    for (const outcome of first) if (outcome.status === 'rejected') throw outcome.reason;
    const worker = await startMediaWorkerService(
      loadMediaWorkerConfig({ ...common, PORT: '0', FILES_DIRECTORY: join(mediaDir, 'media-files') }),
      { bus },
    );
    await listen(worker, 0);
    const feedConfig = loadFeedConfig({
      ...common,
      PORT: String(ports.feed),
      JWKS_URL: jwks,
      USER_SERVICE_URL: url(ports.user),
      POST_SERVICE_URL: url(ports.post),
    });
    await listen(await startFeedService(feedConfig, { bus, kv: feedStore }), ports.feed);
    await listen(await startFeedWorker({ ...feedConfig, PORT: 0 }, { bus, kv: feedStore }), 0);
    await listen(
      await startGatewayService(
        loadGatewayConfig({
          ...common,
          PORT: String(ports.gateway),
          AUTH_SERVICE_URL: url(ports.auth),
          USER_SERVICE_URL: url(ports.user),
          POST_SERVICE_URL: url(ports.post),
          MEDIA_SERVICE_URL: url(ports.media),
          FEED_SERVICE_URL: url(ports.feed),
          JWKS_URL: jwks,
          RATE_LIMIT_ENABLED: 'false',
        }),
      ),
      ports.gateway,
    );
  } catch (error) {
    await closeAll(started, [bus, feedStore], dir);
    throw error;
  }
  return { gatewayUrl: url(ports.gateway), close: () => closeAll(started, [bus, feedStore], dir) };
}

async function closeAll(started: Closable[], shared: Array<{ close(): Promise<void> }>, dir: string): Promise<void> {
  // The gateway first, the stores' owners last: the reverse of the start order.
  for (const app of started.reverse()) await app.close().catch(() => undefined);
  for (const resource of shared) await resource.close();
  await rm(dir, { recursive: true, force: true });
}
