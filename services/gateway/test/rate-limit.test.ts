import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { App } from '@scalegram/kit/app';
import { createMemoryStore } from '@scalegram/kv/memory-store';
import type { KeyValueStore } from '@scalegram/kv/port';
import { createRedisStore } from '@scalegram/kv/redis-store';
import { type Harness, startHarness } from './support/gateway-harness.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `gateway-test-${process.pid}-${Date.now()}:`;

let harness: Harness;
let redis: KeyValueStore;
let gateway: App;
const usedKeys = new Set<string>();

/** A fresh user id per test, so windows never carry over between tests. */
let nextUser = 5000;
function freshUser(): string {
  nextUser += 1;
  usedKeys.add(`ratelimit:user:${nextUser}`);
  return String(nextUser);
}
function address(last: number): string {
  const ip = `198.51.100.${last}`;
  usedKeys.add(`ratelimit:ip:${ip}`);
  return ip;
}

beforeAll(async () => {
  harness = await startHarness();
  redis = await createRedisStore({ url: REDIS_URL, keyPrefix: PREFIX });
  gateway = await harness.gateway({ kv: redis });
});

afterAll(async () => {
  if (usedKeys.size > 0) await redis.del(...usedKeys);
  await harness.close();
  await redis.close();
});

async function getMe(app: App, userId: string) {
  return app.inject({
    method: 'GET',
    url: '/api/v1/users/me',
    headers: { authorization: `Bearer ${await harness.token(userId)}` },
  });
}

describe('rate limiting (Redis)', () => {
  it('admits 50 requests per user per window with the IETF fields, then answers 429', async () => {
    const user = freshUser();
    const token = await harness.token(user);
    for (let i = 1; i <= 50; i += 1) {
      const response = await gateway.inject({
        method: 'GET',
        url: '/api/v1/users/me',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.statusCode).toBe(200);
      expect(response.headers['ratelimit-policy']).toBe('"default";q=50;w=60');
      const [, remaining, reset] = /^"default";r=(\d+);t=(\d+)$/.exec(String(response.headers.ratelimit)) ?? [];
      expect(Number(remaining)).toBe(50 - i);
      expect(Number(reset)).toBeGreaterThan(0);
      expect(Number(reset)).toBeLessThanOrEqual(60);
    }
    const refused = await gateway.inject({
      method: 'GET',
      url: '/api/v1/users/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.headers['ratelimit-policy']).toBe('"default";q=50;w=60');
    expect(refused.headers.ratelimit).toMatch(/^"default";r=0;t=\d+$/);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.json()).toMatchObject({
      code: 'too-many-requests',
      status: 429,
      'violated-policies': ['default'],
      retryAfterSeconds: retryAfter,
    });
  });

  it('counts per user, not globally', async () => {
    // 50 concurrent calls reach the upstream: on a busy machine some take longer than the harness's
    // 500 ms user timeout, and five of those would open the breaker. This test is about counting.
    const patient = await harness.gateway({
      kv: redis,
      upstreams: [
        { name: 'auth', baseUrls: [harness.authUrl], timeoutMs: 10_000 },
        { name: 'user', baseUrls: [harness.userUrl], timeoutMs: 10_000 },
      ],
    });
    const busy = freshUser();
    const token = await harness.token(busy);
    await Promise.all(
      Array.from({ length: 51 }, () =>
        patient.inject({ method: 'GET', url: '/api/v1/users/me', headers: { authorization: `Bearer ${token}` } }),
      ),
    );
    expect((await getMe(patient, busy)).statusCode).toBe(429);
    const other = await getMe(patient, freshUser());
    expect(other.statusCode).toBe(200);
    expect(other.headers.ratelimit).toMatch(/^"default";r=49;/);
  });

  it('counts anonymous callers by client address', async () => {
    const first = address(10);
    const second = address(11);
    const statuses: number[] = [];
    for (let i = 0; i < 51; i += 1) {
      const response = await gateway.inject({ method: 'GET', url: '/.well-known/jwks.json', remoteAddress: first });
      statuses.push(response.statusCode);
    }
    expect(statuses.filter((status) => status === 200)).toHaveLength(50);
    expect(statuses.at(-1)).toBe(429);
    const fromElsewhere = await gateway.inject({ method: 'GET', url: '/.well-known/jwks.json', remoteAddress: second });
    expect(fromElsewhere.statusCode).toBe(200);
    // Even a 401 is counted (and carries the fields): bad-token floods are throttled by address.
    const unauthenticated = await gateway.inject({ method: 'GET', url: '/api/v1/users/me', remoteAddress: first });
    expect(unauthenticated.statusCode).toBe(429);
  });

  it('counts anonymous routes per address whatever token rides along', async () => {
    const small = await harness.gateway({
      kv: redis,
      rateLimit: { enabled: true, limit: 3, windowMs: 60_000, failOpen: true },
    });
    const from = address(30);
    const user = freshUser();
    const token = await harness.token(user);
    const register = (headers: Record<string, string>) =>
      small.inject({ method: 'POST', url: '/api/v1/auth/echo', remoteAddress: from, headers, payload: {} });
    for (let i = 0; i < 3; i += 1) expect((await register({})).statusCode).toBe(200);
    // The address budget is spent: a valid token does not open another one on an anonymous route.
    for (let i = 0; i < 3; i += 1) {
      expect((await register({ authorization: `Bearer ${token}` })).statusCode).toBe(429);
    }
    expect(await redis.ttl(`ratelimit:user:${user}`)).toBe(-2);
    // The same token on a route that needs it is counted per user, as before.
    const me = await small.inject({
      method: 'GET',
      url: '/api/v1/users/me',
      remoteAddress: from,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(me.statusCode).toBe(200);
  });

  it('never counts Swagger UI, the home page or CORS preflights', async () => {
    const browser = await harness.gateway({
      kv: redis,
      rateLimit: { enabled: true, limit: 2, windowMs: 60_000, failOpen: true },
      corsOrigins: ['https://app.example'],
    });
    const from = address(31);
    const visits = [
      { method: 'GET', url: '/' },
      { method: 'GET', url: '/docs' },
      { method: 'GET', url: '/docs/' },
      { method: 'GET', url: '/docs/static/swagger-ui-bundle.js' },
      { method: 'GET', url: '/docs/static/swagger-ui.css' },
      { method: 'GET', url: '/docs/json' },
    ] as const;
    for (let reload = 0; reload < 10; reload += 1) {
      for (const visit of visits) {
        const response = await browser.inject({ ...visit, remoteAddress: from });
        expect(response.statusCode).toBeLessThan(400);
        expect(response.headers.ratelimit).toBeUndefined();
      }
      const preflight = await browser.inject({
        method: 'OPTIONS',
        url: '/api/v1/users/me',
        remoteAddress: from,
        headers: {
          origin: 'https://app.example',
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      });
      expect(preflight.statusCode).toBe(204);
    }
    expect(await redis.ttl(`ratelimit:ip:${from}`)).toBe(-2);
    const api = await browser.inject({ method: 'GET', url: '/.well-known/jwks.json', remoteAddress: from });
    expect(api.statusCode).toBe(200);
    expect(api.headers.ratelimit).toMatch(/^"default";r=1;/);
  });

  it('takes the client address from X-Forwarded-For only when the proxy is trusted', async () => {
    const trusting = await harness.gateway({ kv: redis, trustProxy: ['127.0.0.1'] });
    const client = address(20);
    const seen = await trusting.inject({
      method: 'POST',
      url: '/api/v1/auth/echo',
      remoteAddress: '127.0.0.1',
      headers: { 'x-forwarded-for': client },
      payload: {},
    });
    expect(seen.statusCode).toBe(200);
    expect((seen.json() as { headers: Record<string, string> }).headers['x-forwarded-for']).toBe(client);
    expect(await redis.ttl(`ratelimit:ip:${client}`)).toBeGreaterThan(0);
  });

  it('behind one trusted hop, takes the address the proxy appended, not one the client wrote', async () => {
    const behindIngress = await harness.gateway({ kv: redis, trustProxy: 1 });
    const client = address(40);
    const forged = address(41);
    const seen = await behindIngress.inject({
      method: 'POST',
      url: '/api/v1/auth/echo',
      // The ingress controller (the socket peer) appended the address it saw to the client's own header.
      remoteAddress: '10.0.0.5',
      headers: { 'x-forwarded-for': `${forged}, ${client}` },
      payload: {},
    });
    expect(seen.statusCode).toBe(200);
    expect((seen.json() as { headers: Record<string, string> }).headers['x-forwarded-for']).toBe(client);
    expect(await redis.ttl(`ratelimit:ip:${client}`)).toBeGreaterThan(0);
    expect(await redis.ttl(`ratelimit:ip:${forged}`)).toBe(-2);
  });

  it('leaves probes and metrics alone', async () => {
    const response = await gateway.inject({ method: 'GET', url: '/healthz' });
    expect(response.headers['ratelimit-policy']).toBeUndefined();
  });

  it('can be switched off', async () => {
    const unlimited = await harness.gateway({
      kv: redis,
      rateLimit: { enabled: false, limit: 1, windowMs: 60_000, failOpen: true },
    });
    const user = freshUser();
    for (let i = 0; i < 3; i += 1) {
      const response = await getMe(unlimited, user);
      expect(response.statusCode).toBe(200);
      expect(response.headers.ratelimit).toBeUndefined();
    }
    expect(await redis.ttl(`ratelimit:user:${user}`)).toBe(-2);
  });
});

describe('rate limiting when the store is down', () => {
  let broken: KeyValueStore;
  beforeAll(async () => {
    broken = createMemoryStore();
    await broken.close(); // every command now fails with UnavailableError
  });

  it('fails open by default: serves, counts the failure, keeps the policy field', async () => {
    const open = await harness.gateway({ kv: broken });
    const response = await getMe(open, '77');
    expect(response.statusCode).toBe(200);
    expect(response.headers['ratelimit-policy']).toBe('"default";q=50;w=60');
    expect(response.headers.ratelimit).toBeUndefined();
    expect(await open.metrics.registry.metrics()).toMatch(/gateway_rate_limit_store_errors_total\{[^}]*\} 1/);
    expect((await open.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('fails closed when configured: 503, and readiness reports the store', async () => {
    const closed = await harness.gateway({
      kv: broken,
      rateLimit: { enabled: true, limit: 50, windowMs: 60_000, failOpen: false },
    });
    const response = await getMe(closed, '78');
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const ready = await closed.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ code: 'not-ready', checks: [{ name: 'kv', status: 'failed' }] });
  });
});
