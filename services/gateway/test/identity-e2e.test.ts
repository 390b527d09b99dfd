// End to end through the gateway only: the REAL auth and user services as child processes (each with
// its own scratch Postgres database), the gateway in-process with Redis. Registration, login, profile,
// follows with exact counts, refresh rotation and reuse detection, logout, and the authorization matrix.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createAccessTokenVerifier } from '@scalegram/kit/access-token';
import type { App } from '@scalegram/kit/app';
import type { KeyValueStore } from '@scalegram/kv/port';
import { createRedisStore } from '@scalegram/kv/redis-store';
import { buildGatewayApp } from '../src/app.ts';
import {
  createDatabase,
  dropDatabase,
  freePort,
  type ServiceProcess,
  startService,
} from './support/service-process.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const RUN = `gw_e2e_${process.pid}_${Date.now()}`;
const AUTH_DB = `${RUN}_auth`;
const USER_DB = `${RUN}_user`;
const quiet = { write: () => undefined };
// The gateway sees every test request from this address; it forwards it to auth as X-Forwarded-For.
const CLIENT = '192.0.2.44';

let keysDir: string;
let auth: ServiceProcess | undefined;
let user: ServiceProcess | undefined;
let kv: KeyValueStore;
let gateway: App;

interface Session {
  user: { id: string; username: string; displayName: string; followerCount: number; followingCount: number };
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

beforeAll(async () => {
  keysDir = mkdtempSync(join(tmpdir(), 'gateway-e2e-'));
  const [authPort, userPort] = [await freePort(), await freePort()];
  const authUrl = `http://127.0.0.1:${authPort}`;
  const userUrl = `http://127.0.0.1:${userPort}`;
  const jwksUrl = `${authUrl}/.well-known/jwks.json`;
  const authDatabase = createDatabase(AUTH_DB);
  const userDatabase = createDatabase(USER_DB);
  // auth's Redis key prefix is fixed ("auth:"), so it uses its in-memory store here rather than share
  // throttle keys with other suites; no NATS_URL for user: its USERS stream name is fixed too, so it
  // uses the in-process bus.
  auth = startService('auth', authPort, {
    DATABASE_URL: authDatabase,
    USER_SERVICE_URL: userUrl,
    AUTH_KEYS_FILE: join(keysDir, 'auth-keys.json'),
    TRUST_PROXY: '127.0.0.1',
  });
  user = startService('user', userPort, {
    DATABASE_URL: userDatabase,
    REDIS_URL,
    KV_KEY_PREFIX: `${RUN}:user:`,
    PROFILE_CACHE_TTL_MS: '5000',
    JWKS_URL: jwksUrl,
  });
  await Promise.all([auth.ready, user.ready]);
  kv = await createRedisStore({ url: REDIS_URL, keyPrefix: `${RUN}:gateway:` });
  gateway = buildGatewayApp({
    kv,
    verifier: createAccessTokenVerifier({ jwks: jwksUrl, issuer: 'scalegram-auth', audience: 'scalegram' }),
    upstreams: [
      { name: 'auth', baseUrls: [authUrl], timeoutMs: 10_000 },
      { name: 'user', baseUrls: [userUrl], timeoutMs: 5000 },
    ],
    rateLimit: { enabled: true, limit: 1000, windowMs: 60_000, failOpen: true },
    breaker: { breakerFailures: 5, breakerHalfOpenAfterMs: 10_000 },
    trustProxy: false,
    corsOrigins: [],
    bodyLimit: 64 * 1024,
    openApiRefreshMs: 60_000,
    logDestination: quiet,
  });
  await gateway.ready();
}, 90_000);

afterAll(async () => {
  await gateway?.close();
  await kv?.del(`ratelimit:ip:${CLIENT}`, ...subjects.map((id) => `ratelimit:user:${id}`));
  await kv?.close();
  await Promise.all([auth?.stop(), user?.stop()]);
  dropDatabase(AUTH_DB);
  dropDatabase(USER_DB);
  rmSync(keysDir, { recursive: true, force: true });
}, 30_000);

const subjects: string[] = [];

async function call(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, token?: string, body?: unknown) {
  return gateway.inject({
    method,
    url,
    remoteAddress: CLIENT,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
  });
}

const suffix = Date.now().toString(36).slice(-6);
const name = (who: string) => `${who}_${suffix}`;
let alice: Session;
let bob: Session;
let carol: Session;

async function profile(id: string, token: string) {
  const response = await call('GET', `/api/v1/users/${id}`, token);
  expect(response.statusCode).toBe(200);
  return response.json() as Session['user'];
}

describe('identity end to end through the gateway', () => {
  it('registers three users and logs one in', async () => {
    const sessions: Session[] = [];
    for (const who of ['alice', 'bob', 'carol']) {
      const response = await call('POST', '/api/v1/auth/register', undefined, {
        username: name(who),
        password: `correct horse ${who} battery`,
        displayName: who,
      });
      expect({ status: response.statusCode, body: response.statusCode === 201 ? 'ok' : response.body }).toEqual({
        status: 201,
        body: 'ok',
      });
      const session = response.json() as Session;
      expect(response.headers.location).toBe(`/api/v1/users/${session.user.id}`);
      expect(response.headers['ratelimit-policy']).toBe('"default";q=1000;w=60');
      expect(session.expiresIn).toBeGreaterThan(0);
      sessions.push(session);
      subjects.push(session.user.id);
    }
    [alice, bob, carol] = sessions as [Session, Session, Session];

    const login = await call('POST', '/api/v1/auth/login', undefined, {
      username: name('alice'),
      password: 'correct horse alice battery',
    });
    expect(login.statusCode).toBe(200);
    expect((login.json() as Session).user.id).toBe(alice.user.id);
    const wrong = await call('POST', '/api/v1/auth/login', undefined, {
      username: name('alice'),
      password: 'nope-nope',
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['content-type']).toMatch(/^application\/problem\+json/);
  }, 60_000);

  it('reads and edits the own profile', async () => {
    const me = await call('GET', '/api/v1/users/me', alice.accessToken);
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ id: alice.user.id, username: name('alice'), displayName: 'alice' });
    const edited = await call('PATCH', '/api/v1/users/me', alice.accessToken, { displayName: 'Alice A.', bio: 'hi' });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ displayName: 'Alice A.', bio: 'hi' });
    // Another user sees the change (the profile cache was invalidated).
    expect(await profile(alice.user.id, bob.accessToken)).toMatchObject({ displayName: 'Alice A.' });
    const invalid = await call('PATCH', '/api/v1/users/me', alice.accessToken, { displayName: 'x'.repeat(51) });
    expect(invalid.statusCode).toBe(400);
  });

  it('follows and unfollows with exact counts', async () => {
    for (let i = 0; i < 2; i += 1) {
      expect((await call('PUT', `/api/v1/users/${bob.user.id}/follow`, alice.accessToken)).statusCode).toBe(204);
    }
    expect((await call('PUT', `/api/v1/users/${bob.user.id}/follow`, carol.accessToken)).statusCode).toBe(204);
    expect(await profile(bob.user.id, alice.accessToken)).toMatchObject({ followerCount: 2, followingCount: 0 });
    expect(await profile(alice.user.id, alice.accessToken)).toMatchObject({ followerCount: 0, followingCount: 1 });
    const followers = await call('GET', `/api/v1/users/${bob.user.id}/followers?limit=10`, alice.accessToken);
    expect(followers.statusCode).toBe(200);
    expect((followers.json() as { items: { id: string }[] }).items.map((item) => item.id).sort()).toEqual(
      [alice.user.id, carol.user.id].sort(),
    );

    for (let i = 0; i < 2; i += 1) {
      expect((await call('DELETE', `/api/v1/users/${bob.user.id}/follow`, alice.accessToken)).statusCode).toBe(204);
    }
    expect(await profile(bob.user.id, alice.accessToken)).toMatchObject({ followerCount: 1 });
    expect(await profile(alice.user.id, alice.accessToken)).toMatchObject({ followingCount: 0 });
    const self = await call('PUT', `/api/v1/users/${alice.user.id}/follow`, alice.accessToken);
    expect(self.statusCode).toBe(400);
  });

  it('enforces the authorization matrix: A cannot change B', async () => {
    // No token: refused at the gateway.
    expect((await call('PATCH', '/api/v1/users/me', undefined, { displayName: 'anon' })).statusCode).toBe(401);
    // There is no route to edit someone else's profile; the only editable profile is the token's.
    const other = await call('PATCH', `/api/v1/users/${bob.user.id}`, alice.accessToken, { displayName: 'pwned' });
    expect([404, 405]).toContain(other.statusCode);
    expect(await profile(bob.user.id, bob.accessToken)).toMatchObject({ displayName: 'bob' });
    // A forged token naming B as its subject is refused.
    const [header, payload, signature] = alice.accessToken.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: bob.user.id })).toString('base64url')}.${signature}`;
    expect((await call('PATCH', '/api/v1/users/me', forged, { displayName: 'pwned' })).statusCode).toBe(401);
    expect(await profile(bob.user.id, bob.accessToken)).toMatchObject({ displayName: 'bob' });
    // A's unfollow of C only ever removes A's own edge: carol's follow of bob stays.
    expect((await call('DELETE', `/api/v1/users/${bob.user.id}/follow`, alice.accessToken)).statusCode).toBe(204);
    expect(await profile(bob.user.id, carol.accessToken)).toMatchObject({ followerCount: 1 });
    const following = await call('GET', `/api/v1/users/${carol.user.id}/following`, alice.accessToken);
    expect((following.json() as { items: { id: string }[] }).items.map((item) => item.id)).toEqual([bob.user.id]);
  });

  it('rotates refresh tokens and revokes the family on reuse', async () => {
    const first = await call('POST', '/api/v1/auth/refresh', undefined, { refreshToken: bob.refreshToken });
    expect(first.statusCode).toBe(200);
    const rotated = first.json() as { accessToken: string; refreshToken: string };
    expect(rotated.refreshToken).not.toBe(bob.refreshToken);
    expect((await call('GET', '/api/v1/users/me', rotated.accessToken)).statusCode).toBe(200);
    // Reusing the spent token is refused, and it revokes the whole family, the new token included.
    expect((await call('POST', '/api/v1/auth/refresh', undefined, { refreshToken: bob.refreshToken })).statusCode).toBe(
      401,
    );
    expect(
      (await call('POST', '/api/v1/auth/refresh', undefined, { refreshToken: rotated.refreshToken })).statusCode,
    ).toBe(401);
  });

  it('logs out: the refresh token is dead afterwards', async () => {
    const logout = await call('POST', '/api/v1/auth/logout', undefined, { refreshToken: carol.refreshToken });
    expect(logout.statusCode).toBe(204);
    const refresh = await call('POST', '/api/v1/auth/refresh', undefined, { refreshToken: carol.refreshToken });
    expect(refresh.statusCode).toBe(401);
    expect(refresh.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it("passes auth's login throttling through with Retry-After", async () => {
    const statuses: number[] = [];
    let throttled: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < 10 && !throttled; i += 1) {
      const response = await call('POST', '/api/v1/auth/login', undefined, {
        username: name('bob'),
        password: 'guess',
      });
      statuses.push(response.statusCode);
      if (response.statusCode === 429) throttled = response;
    }
    expect(statuses[0]).toBe(401);
    expect(throttled?.json()).toMatchObject({ status: 429 });
    expect(Number(throttled?.headers['retry-after'])).toBeGreaterThan(0);
  }, 30_000);

  it('publishes the merged OpenAPI document of both services', async () => {
    const document = (await call('GET', '/docs/json')).json() as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/api/v1/auth/register', '/api/v1/users/me', '/api/v1/users/{id}/follow']),
    );
    expect(Object.keys(document.paths).some((path) => path.startsWith('/internal'))).toBe(false);
  });
});
