// The whole auth service for integration tests: a fresh PostgreSQL database, Redis with a unique key
// prefix, a new key ring, the app listening on an ephemeral port (the fake user service fetches its
// JWKS over HTTP), and the fake user service.
import { randomBytes } from 'node:crypto';
import type { App } from '@scalegram/kit/app';
import type { KeyValueStore } from '@scalegram/kv/port';
import { createRedisStore } from '@scalegram/kv/redis-store';
import { createIdGenerator } from '@scalegram/relational/id-generator';
import type { RelationalDatabase } from '@scalegram/relational/port';
import type { LightMyRequestResponse } from 'fastify';
import { type AuthSettings, buildAuthApp } from '../../src/app.ts';
import { createPasswordHasher, type PasswordHasher } from '../../src/domain/password-hasher.ts';
import { type KeyRing, loadKeyRing, newKeyRing, type StoredKeyRing } from '../../src/keys/key-ring.ts';
import type { AuthDatabase } from '../../src/store/schema.ts';
import { type FakeUserService, startFakeUserService } from './fake-user-service.ts';
import { createTestDatabase } from './test-database.ts';

export const ISSUER = 'scalegram-auth-test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface AuthHarness {
  app: App;
  url: string;
  database: RelationalDatabase<AuthDatabase>;
  kv: KeyValueStore;
  users: FakeUserService;
  keyRing: KeyRing;
  storedKeyRing: StoredKeyRing;
  passwords: PasswordHasher;
  settings: AuthSettings;
  close(): Promise<void>;
}

const GENEROUS = { limit: 10_000, windowMs: 60_000 };

export function testSettings(overrides: Partial<AuthSettings> = {}): AuthSettings {
  return {
    issuer: ISSUER,
    accessTtlSeconds: 900,
    refreshTtlSeconds: 30 * 86_400,
    limits: { loginPerUsername: GENEROUS, loginPerAddress: GENEROUS, registerPerAddress: GENEROUS },
    userService: { baseUrl: 'http://127.0.0.1:1', timeoutMs: 400, maxAttempts: 2 },
    recoveryIntervalMs: 0,
    recoveryStaleAfterMs: 60_000,
    logLevel: 'silent',
    ...overrides,
  };
}

export async function startAuthHarness(
  overrides: Partial<AuthSettings> = {},
  ring?: StoredKeyRing,
): Promise<AuthHarness> {
  const testDatabase = await createTestDatabase();
  const kv = await createRedisStore({ url: REDIS_URL, keyPrefix: `auth-test:${randomBytes(6).toString('hex')}:` });
  const storedKeyRing = ring ?? (await newKeyRing(new Date()));
  const settings = testSettings(overrides);
  const keyRing = await loadKeyRing(storedKeyRing, settings.accessTtlSeconds);
  const passwords = await createPasswordHasher();
  let authUrl = '';
  const users = await startFakeUserService({ jwksUrl: () => `${authUrl}/.well-known/jwks.json`, issuer: ISSUER });
  settings.userService = { ...settings.userService, baseUrl: users.url };
  const app = buildAuthApp({
    database: testDatabase.database,
    kv,
    keyRing,
    passwords,
    ids: createIdGenerator(),
    settings,
  });
  authUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    url: authUrl,
    database: testDatabase.database,
    kv,
    users,
    keyRing,
    storedKeyRing,
    passwords,
    settings,
    async close() {
      await app.close();
      await users.close();
      await kv.close();
      await testDatabase.drop();
    },
  };
}

export interface Session {
  user: { id: string; username: string };
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

let counter = 0;
/** A valid username unique to this run. */
export function uniqueUsername(prefix = 'user'): string {
  counter += 1;
  return `${prefix}_${randomBytes(3).toString('hex')}${counter}`;
}

export async function register(
  harness: AuthHarness,
  username: string,
  password = 'correct horse battery',
): Promise<{ response: LightMyRequestResponse; session: Session }> {
  const response = await harness.app.inject({
    method: 'POST',
    url: '/api/v1/auth/register',
    payload: { username, password },
  });
  return { response, session: response.json() as Session };
}

export async function login(
  harness: AuthHarness,
  username: string,
  password = 'correct horse battery',
): Promise<LightMyRequestResponse> {
  return harness.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
}
