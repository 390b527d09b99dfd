// The post app on real servers: N databases on the local PostgreSQL, a JWKS server and a media service
// speaking the real HTTP contract. Helpers call it like a client and count rows across every shard.
import type { App } from '@scalegram/kit/app';
import { ServiceClient } from '@scalegram/kit/service-client';
import { createIdGenerator } from '@scalegram/relational/id-generator';
import { startTokenIssuer, type TokenIssuer } from '@scalegram/test-support/token-issuer';
import { sql } from 'kysely';
import { buildPostApp } from '../../src/app.ts';
import { createMediaChecker } from '../../src/media/media-checker.ts';
import { type FakeMediaService, startMediaService } from './media-server.ts';
import { createTestShards, type TestShards } from './test-shards.ts';

const userIds = createIdGenerator();
export const newUserId = () => userIds.nextString(Math.floor(Math.random() * 8192));

export interface Harness {
  app: App;
  shards: TestShards;
  media: FakeMediaService;
  mediaClient: ServiceClient;
  tokens: TokenIssuer;
  /** A new user id and its bearer header. */
  user(): Promise<{ id: string; headers: { authorization: string } }>;
  createPost(headers: { authorization: string }, body?: Record<string, unknown>): Promise<{ id: string }>;
  /** Rows of `table` summed over every shard. */
  count(table: 'posts' | 'likes' | 'comments' | 'idempotency_keys' | 'outbox'): Promise<number>;
  close(): Promise<void>;
}

export async function startHarness(options: { shards?: number; mediaUrl?: string } = {}): Promise<Harness> {
  const tokens = await startTokenIssuer();
  const shards = await createTestShards(options.shards ?? 3);
  const media = await startMediaService(tokens.userVerifier);
  const mediaClient = new ServiceClient({ name: 'media', baseUrl: options.mediaUrl ?? media.url, timeoutMs: 2000 });
  const app = buildPostApp({
    router: shards.router,
    ids: createIdGenerator(),
    media: createMediaChecker(mediaClient),
    userVerifier: tokens.userVerifier,
    serviceVerifier: tokens.serviceVerifier,
    logLevel: 'silent',
  });
  await app.ready();
  return {
    app,
    shards,
    media,
    mediaClient,
    tokens,
    async user() {
      const id = await newUserId();
      return { id, headers: { authorization: `Bearer ${await tokens.userToken(id)}` } };
    },
    async createPost(headers, body = { text: 'hello' }) {
      const response = await app.inject({ method: 'POST', url: '/api/v1/posts', headers, payload: body });
      if (response.statusCode !== 201) throw new Error(`create failed: ${response.statusCode} ${response.body}`);
      return response.json();
    },
    async count(table) {
      const counts = await Promise.all(
        shards.router
          .all()
          .map((database) => sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(database.db)),
      );
      return counts.reduce((sum, result) => sum + Number(result.rows[0]?.n ?? 0), 0);
    },
    async close() {
      await app.close();
      await mediaClient.close();
      await media.close();
      await shards.drop();
      await tokens.close();
    },
  };
}
