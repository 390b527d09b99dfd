// The user app on real servers (local PostgreSQL and Redis), with helpers to call it like a client.
import { randomBytes } from 'node:crypto';
import type { App } from '@scalegram/kit/app';
import { ServiceClient } from '@scalegram/kit/service-client';
import type { KeyValueStore } from '@scalegram/kv/port';
import { createRedisStore } from '@scalegram/kv/redis-store';
import { createIdGenerator } from '@scalegram/relational/id-generator';
import { startTokenIssuer, type TokenIssuer } from '@scalegram/test-support/token-issuer';
import { buildUserApp } from '../../src/app.ts';
import { createAvatarChecker } from '../../src/media/avatar-checker.ts';
import { type FakeMediaService, startMediaService } from './media-server.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const ids = createIdGenerator();
export const newUserId = () => ids.nextString(Math.floor(Math.random() * 8192));
export const uniqueName = (stem = 'u') => `${stem}_${randomBytes(5).toString('hex')}`;

export interface Harness {
  app: App;
  db: TestDatabase;
  kv: KeyValueStore;
  keyPrefix: string;
  tokens: TokenIssuer;
  /** The media service the avatar check asks (its internal batch route, as the contract says). */
  media: FakeMediaService;
  /** Creates a user through the internal route, as the auth saga does; returns the id and a token. */
  register(username?: string): Promise<{ id: string; username: string; token: string }>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Use this store instead of a fresh Redis connection (e.g. one whose server is going to die). */
  kv?: KeyValueStore;
  profileCacheTtlMs?: number;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const tokens = await startTokenIssuer();
  const db = await createTestDatabase();
  const keyPrefix = `test:user:${randomBytes(6).toString('hex')}:`;
  const kv = options.kv ?? (await createRedisStore({ url: REDIS_URL, keyPrefix }));
  const media = await startMediaService(tokens.userVerifier);
  const mediaClient = new ServiceClient({ name: 'media', baseUrl: media.url, timeoutMs: 2000 });
  const app = buildUserApp({
    database: db.database,
    kv,
    avatars: createAvatarChecker(mediaClient),
    userVerifier: tokens.userVerifier,
    serviceVerifier: tokens.serviceVerifier,
    profileCacheTtlMs: options.profileCacheTtlMs ?? 30_000,
    logLevel: 'silent',
  });
  await app.ready();
  const created: string[] = [];
  const serviceToken = await tokens.serviceToken('users:write');

  return {
    app,
    db,
    kv,
    keyPrefix,
    tokens,
    media,
    async register(username = uniqueName()) {
      const id = await newUserId();
      const response = await app.inject({
        method: 'PUT',
        url: `/internal/users/${id}`,
        headers: { authorization: `Bearer ${serviceToken}` },
        payload: { username },
      });
      if (response.statusCode !== 201) throw new Error(`register failed: ${response.statusCode} ${response.body}`);
      created.push(id);
      return { id, username, token: await tokens.userToken(id) };
    },
    async close() {
      await app.close();
      await mediaClient.close();
      await media.close();
      // Remove every cache key this run can have written (the port has no SCAN, on purpose).
      const rows = await db.database.db.selectFrom('users').select(['id', 'username']).execute();
      const keys = [
        ...new Set([...created, ...rows.map((row) => row.id)].map((id) => `profile:${id}`)),
        ...rows.map((row) => `username:${row.username.toLowerCase()}`),
      ];
      if (options.kv === undefined) {
        if (keys.length > 0) await kv.del(...keys);
        await kv.close();
      }
      await db.drop();
      await tokens.close();
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
