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
    const busy = freshUser();
    const token = await harness.token(busy);
    await Promise.all(
      Array.from({ length: 51 }, () =>
        gateway.inject({ method: 'GET', url: '/api/v1/users/me', headers: { authorization: `Bearer ${token}` } }),
      ),
    );
    expect((await getMe(gateway, busy)).statusCode).toBe(429);
    const other = await getMe(gateway, freshUser());
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
    const metrics = await open.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/gateway_rate_limit_store_errors_total\{[^}]*\} 1/);
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
