// The whole app on the embedded adapters (PGlite + in-memory KV), as the one-process runner will run
// it: migrations apply, register → login → refresh → logout work, readiness checks both stores.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { App } from '@scalegram/kit/app';
import { createMemoryStore } from '@scalegram/kv/memory-store';
import { createIdGenerator } from '@scalegram/relational/id-generator';
import { migrate } from '@scalegram/relational/migrate';
import { createPgliteDatabase } from '@scalegram/relational/pglite-database';
import { buildAuthApp } from '../src/app.ts';
import { createPasswordHasher } from '../src/domain/password-hasher.ts';
import { loadKeyRing, newKeyRing } from '../src/keys/key-ring.ts';
import { MIGRATIONS_DIR } from '../src/migrations-dir.ts';
import type { AuthDatabase } from '../src/store/schema.ts';
import { ISSUER, testSettings } from './support/auth-harness.ts';
import { type FakeUserService, startFakeUserService } from './support/fake-user-service.ts';

let app: App;
let users: FakeUserService;
beforeAll(async () => {
  const database = await createPgliteDatabase<AuthDatabase>({});
  await migrate(database, MIGRATIONS_DIR);
  const kv = createMemoryStore({ keyPrefix: 'auth:' });
  let url = '';
  users = await startFakeUserService({ jwksUrl: () => `${url}/.well-known/jwks.json`, issuer: ISSUER });
  const settings = testSettings({ recoveryIntervalMs: 1000 });
  settings.userService = { ...settings.userService, baseUrl: users.url };
  app = buildAuthApp({
    database,
    kv,
    keyRing: await loadKeyRing(await newKeyRing(new Date()), settings.accessTtlSeconds),
    passwords: await createPasswordHasher(),
    ids: createIdGenerator(),
    settings,
  });
  app.addHook('onClose', async () => {
    await kv.close();
    await database.close();
  });
  url = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
  await users.close();
});

describe('embedded mode (PGlite + memory KV)', () => {
  it('runs the whole session lifecycle and reports ready', async () => {
    const registered = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { username: 'embedded_user', password: 'long enough password', displayName: 'Em' },
    });
    expect(registered.statusCode).toBe(201);
    expect(registered.json()).toMatchObject({ user: { username: 'embedded_user', displayName: 'Em' } });

    const loggedIn = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'EMBEDDED_USER', password: 'long enough password' },
    });
    expect(loggedIn.statusCode).toBe(200);
    const { refreshToken } = loggedIn.json() as { refreshToken: string };
    const refreshed = await app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken } });
    expect(refreshed.statusCode).toBe(200);
    expect(
      (await app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken } })).json(),
    ).toMatchObject({
      code: 'refresh-token-reused',
    });
    const next = (refreshed.json() as { refreshToken: string }).refreshToken;
    expect(
      (await app.inject({ method: 'POST', url: '/api/v1/auth/logout', payload: { refreshToken: next } })).statusCode,
    ).toBe(204);

    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ok' });
    const jwks = await app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    expect((jwks.json() as { keys: unknown[] }).keys).toHaveLength(1);
  });
});
