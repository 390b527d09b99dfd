// The real flow on real servers: the user and post services (from their packages' ./service exports, on
// uniquely named PostgreSQL databases), the feed API and the feed worker (on the real Redis under a
// unique key prefix), all four sharing one in-process bus, as the embedded runner runs them. Every
// service listens on a random local port and the feed calls the others over real HTTP.
import type { FeedPage } from '@scalegram/contracts/feed';
import type { App } from '@scalegram/kit/app';
import { openKeyValueStore } from '@scalegram/kv/open-store';
import type { KeyValueStore } from '@scalegram/kv/port';
import { loadPostConfig } from '@scalegram/post-service/config';
import { startPostService } from '@scalegram/post-service/service';
import { createInProcessBus } from '@scalegram/queue/in-process-bus';
import type { MessageBus } from '@scalegram/queue/port';
import { createIdGenerator } from '@scalegram/relational/id-generator';
import { deleteKeys, uniquePrefix } from '@scalegram/test-support/redis-keys';
import { createScratchDatabases, type ScratchDatabases } from '@scalegram/test-support/scratch-databases';
import { SHARED_REDIS_URL as REDIS_URL } from '@scalegram/test-support/shared-servers';
import { startTokenIssuer, TEST_ISSUER, type TokenIssuer } from '@scalegram/test-support/token-issuer';
import { loadUserConfig } from '@scalegram/user-service/config';
import { startUserService } from '@scalegram/user-service/service';
import { type FeedConfig, loadFeedConfig } from '../../src/config.ts';
import { startFeedService } from '../../src/service.ts';
import { startFeedWorker } from '../../src/worker-service.ts';

const userIds = createIdGenerator();

export interface TestUser {
  id: string;
  authorization: string;
}

export interface FeedSystem {
  feed: App;
  worker: App;
  users: App;
  posts: App;
  /** The feed's own store (same prefix), to look at timelines and projections. */
  kv: KeyValueStore;
  bus: MessageBus;
  config: FeedConfig;
  register(): Promise<TestUser>;
  /** A valid access token for any user id (registered or not). */
  token(userId: string): Promise<string>;
  follow(follower: TestUser, followee: TestUser): Promise<void>;
  unfollow(follower: TestUser, followee: TestUser): Promise<void>;
  post(author: TestUser, text?: string): Promise<string>;
  deletePost(author: TestUser, postId: string): Promise<void>;
  page(reader: TestUser, query?: { cursor?: string; limit?: number }): Promise<FeedPage>;
  /** Every post id in the reader's feed, walking all pages. */
  all(reader: TestUser, limit?: number): Promise<string[]>;
  /** Restarts the feed API and worker (e.g. against a Redis that was flushed meanwhile). */
  close(): Promise<void>;
}

export interface FeedSystemOptions {
  redisUrl?: string;
  env?: Record<string, string>;
}

async function listen(app: App): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  return `http://127.0.0.1:${port}`;
}

export async function startFeedSystem(options: FeedSystemOptions = {}): Promise<FeedSystem> {
  // Released in reverse order on close, or at once when a later step of the setup fails.
  const cleanups: (() => Promise<unknown>)[] = [];
  const release = async () => {
    // Every step runs even when an earlier one fails (a database must not outlive a failed close).
    const failures: unknown[] = [];
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((error) => failures.push(error));
    if (failures.length > 0) throw new AggregateError(failures, 'feed system did not close cleanly');
  };
  try {
    return await assemble(options, cleanups, release);
  } catch (error) {
    await release();
    throw error;
  }
}

async function assemble(
  options: FeedSystemOptions,
  cleanups: (() => Promise<unknown>)[],
  release: () => Promise<void>,
): Promise<FeedSystem> {
  const tokens: TokenIssuer = await startTokenIssuer();
  cleanups.push(() => tokens.close());
  const databases: ScratchDatabases = await createScratchDatabases('sg_feed_test', 2);
  cleanups.push(() => databases.drop());
  const bus = await createInProcessBus();
  cleanups.push(() => bus.close());
  const [userUrl, postUrl] = databases.urls as [string, string];
  const auth = { JWKS_URL: tokens.jwksUrl, AUTH_ISSUER: TEST_ISSUER, LOG_LEVEL: 'silent' };

  const users = await startUserService(loadUserConfig({ ...auth, DATABASE_URL: userUrl }), { bus });
  cleanups.push(() => users.close());
  const posts = await startPostService(
    loadPostConfig({ ...auth, POST_DATABASE_URLS: postUrl, MEDIA_SERVICE_URL: 'http://127.0.0.1:9' }),
    { bus },
  );
  cleanups.push(() => posts.close());
  const [usersBase, postsBase] = [await listen(users), await listen(posts)];

  const redisUrl = options.redisUrl ?? REDIS_URL;
  const prefix = uniquePrefix('feedtest');
  const config = loadFeedConfig({
    ...auth,
    REDIS_URL: redisUrl,
    KV_KEY_PREFIX: prefix,
    USER_SERVICE_URL: usersBase,
    POST_SERVICE_URL: postsBase,
    ...options.env,
  });
  const kv = await openKeyValueStore({ url: redisUrl, keyPrefix: prefix });
  cleanups.push(() => kv.close());
  cleanups.push(() => deleteKeys(redisUrl, prefix));
  const worker = await startFeedWorker(config, { bus, kv });
  cleanups.push(() => worker.close());
  const feed = await startFeedService(config, { bus, kv });
  cleanups.push(() => feed.close());
  await feed.ready();
  const serviceToken = await tokens.serviceToken('users:write');

  const expectStatus = (response: { statusCode: number; body: string }, status: number, what: string) => {
    if (response.statusCode !== status) throw new Error(`${what}: ${response.statusCode} ${response.body}`);
  };

  const system: FeedSystem = {
    feed,
    worker,
    users,
    posts,
    kv,
    bus,
    config,
    async register() {
      const id = await userIds.nextString(Math.floor(Math.random() * 8192));
      const response = await users.inject({
        method: 'PUT',
        url: `/internal/users/${id}`,
        headers: { authorization: `Bearer ${serviceToken}` },
        payload: { username: `u${id.slice(-12)}` },
      });
      expectStatus(response, 201, 'register');
      return { id, authorization: `Bearer ${await tokens.userToken(id)}` };
    },
    token: (userId) => tokens.userToken(userId),
    async follow(follower, followee) {
      const response = await users.inject({
        method: 'PUT',
        url: `/api/v1/users/${followee.id}/follow`,
        headers: { authorization: follower.authorization },
      });
      expectStatus(response, 204, 'follow');
    },
    async unfollow(follower, followee) {
      const response = await users.inject({
        method: 'DELETE',
        url: `/api/v1/users/${followee.id}/follow`,
        headers: { authorization: follower.authorization },
      });
      expectStatus(response, 204, 'unfollow');
    },
    async post(author, text = 'hello') {
      const response = await posts.inject({
        method: 'POST',
        url: '/api/v1/posts',
        headers: { authorization: author.authorization },
        payload: { text },
      });
      expectStatus(response, 201, 'post');
      return response.json().id as string;
    },
    async deletePost(author, postId) {
      const response = await posts.inject({
        method: 'DELETE',
        url: `/api/v1/posts/${postId}`,
        headers: { authorization: author.authorization },
      });
      expectStatus(response, 204, 'delete');
    },
    async page(reader, query = {}) {
      const response = await feed.inject({
        method: 'GET',
        url: '/api/v1/feed',
        headers: { authorization: reader.authorization },
        query: Object.fromEntries(Object.entries(query).map(([key, value]) => [key, String(value)])),
      });
      expectStatus(response, 200, 'feed');
      return response.json();
    },
    async all(reader, limit = 100) {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await system.page(reader, { limit, ...(cursor === undefined ? {} : { cursor }) });
        ids.push(...page.items.map((item) => item.postId));
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      return ids;
    },
    close: release,
  };
  return system;
}

/** Polls `check` until it returns true (or throws its last failure after `timeoutMs`). */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
