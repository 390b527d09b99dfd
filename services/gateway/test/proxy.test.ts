import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type App, createApp } from '@scalegram/kit/app';
import { listen, SLOW_MS } from './support/fake-upstreams.ts';
import { type Harness, IDENTITY_ROUTES, startHarness } from './support/gateway-harness.ts';

let harness: Harness;
let gateway: App;
let token: string;

beforeAll(async () => {
  harness = await startHarness();
  gateway = await harness.gateway();
  token = await harness.token('1001');
});

afterAll(async () => {
  await harness.close();
});

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('forwarding', () => {
  it('forwards method, path, query, body and the allowed headers, and nothing else', async () => {
    const response = await gateway.inject({
      method: 'POST',
      url: '/api/v1/users/things?limit=5&tag=a&tag=b',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': 'key-123',
        'x-request-id': 'req-abc',
        traceparent: TRACEPARENT,
        'x-user-id': '1',
        cookie: 'session=secret',
        'x-forwarded-for': '6.6.6.6',
      },
      payload: { hello: 'world' },
      remoteAddress: '203.0.113.9',
    });
    expect(response.statusCode).toBe(201);
    expect(response.headers.location).toBe('/api/v1/users/things/9');
    expect(response.headers['x-request-id']).toBe('req-abc');
    const seen = response.json() as { method: string; url: string; headers: Record<string, string>; body: unknown };
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe('/api/v1/users/things?limit=5&tag=a&tag=b');
    expect(seen.body).toEqual({ hello: 'world' });
    expect(seen.headers.authorization).toBe(`Bearer ${token}`);
    expect(seen.headers['idempotency-key']).toBe('key-123');
    expect(seen.headers['x-request-id']).toBe('req-abc');
    // Same trace, the gateway's own span as the parent.
    expect(seen.headers.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    expect(seen.headers.traceparent).not.toBe(TRACEPARENT);
    // The client address as the gateway determined it (trustProxy off: the forged chain is dropped).
    expect(seen.headers['x-forwarded-for']).toBe('203.0.113.9');
    expect(seen.headers['x-user-id']).toBeUndefined();
    expect(seen.headers.cookie).toBeUndefined();
  });

  it('forwards an empty Idempotency-Key for the service to refuse, and passes Idempotent-Replayed back', async () => {
    const post = (key: string) =>
      gateway.inject({
        method: 'POST',
        url: '/api/v1/users/things',
        headers: { authorization: `Bearer ${token}`, 'idempotency-key': key },
        payload: {},
      });
    const empty = await post('');
    expect((empty.json() as { headers: Record<string, string> }).headers['idempotency-key']).toBe('');
    const replayed = await post('seen-before');
    expect(replayed.statusCode).toBe(201);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
  });

  it('passes a 405 through with its Allow header', async () => {
    const response = await gateway.inject({
      method: 'DELETE',
      url: '/api/v1/users/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('GET, HEAD, PATCH');
    expect(response.json()).toMatchObject({ code: 'method-not-allowed' });
  });

  it('answers 405 for a method it never forwards', async () => {
    const response = await gateway.inject({ method: 'TRACE', url: '/api/v1/users/me' });
    expect(response.statusCode).toBe(405);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.headers.allow).toContain('GET');
  });

  it('returns status, body and safe headers only', async () => {
    const response = await gateway.inject({
      method: 'GET',
      url: '/api/v1/users/42',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ id: '42', displayName: 'Someone' });
    expect(response.headers.etag).toBe('"v1"');
    expect(response.headers['cache-control']).toBe('private, max-age=5');
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['x-internal-secret']).toBeUndefined();
    // The upstream's own rate-limit field joins the gateway's list.
    expect(response.headers.ratelimit).toMatch(/^"default";r=\d+;t=\d+, "user-reads";r=9;t=5$/);
  });

  it('forwards conditional requests (304) and answers 204 without a body', async () => {
    const notModified = await gateway.inject({
      method: 'GET',
      url: '/api/v1/users/42',
      headers: { authorization: `Bearer ${token}`, 'if-none-match': '"v1"' },
    });
    expect(notModified.statusCode).toBe(304);
    expect(notModified.body).toBe('');
    const follow = await gateway.inject({
      method: 'PUT',
      url: '/api/v1/users/42/follow',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(follow.statusCode).toBe(204);
    expect(follow.body).toBe('');
  });

  it('routes the JWKS and anonymous auth routes without a token', async () => {
    const jwks = await gateway.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    expect(jwks.statusCode).toBe(200);
    expect((jwks.json() as { keys: { kid: string }[] }).keys.map((key) => key.kid)).toEqual(['key-1']);
    const login = await gateway.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'alice', password: 'secret' },
    });
    expect(login.statusCode).toBe(200);
    expect(login.json()).toEqual({ accessToken: 'token-for-alice' });
  });

  it('answers 404 for unrouted paths and never routes /internal', async () => {
    for (const url of ['/api/v1/nothing-here', '/internal/users/1', '/api/v2/users/me']) {
      const response = await gateway.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({ code: 'route-not-found', status: 404 });
    }
  });

  it('refuses paths that could be normalised into another route', async () => {
    const response = await gateway.inject({
      method: 'GET',
      url: '/api/v1/users/..%2F..%2Finternal/users/1',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'invalid-path' });
  });
});

describe('upstream errors', () => {
  it('passes an upstream 4xx problem through unchanged', async () => {
    const notFound = await gateway.inject({
      method: 'GET',
      url: '/api/v1/users/missing',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(notFound.statusCode).toBe(404);
    expect(notFound.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(notFound.json()).toMatchObject({
      code: 'not-found',
      detail: 'no such user',
      instance: '/api/v1/users/missing',
    });

    const invalid = await gateway.inject({
      method: 'PATCH',
      url: '/api/v1/users/me',
      headers: { authorization: `Bearer ${token}` },
      payload: { displayName: 'far too long a name' },
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json()).toMatchObject({ code: 'validation-failed', errors: [{ field: '/body/displayName' }] });
  });

  it('restores Retry-After on a passed-through 429', async () => {
    const response = await gateway.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'throttled', password: 'x' },
    });
    expect(response.statusCode).toBe(429);
    expect(response.headers['retry-after']).toBe('7');
    expect(response.json()).toMatchObject({ code: 'login-throttled', retryAfterSeconds: 7 });
  });

  it('answers 502 for an upstream 500 without echoing its body', async () => {
    const response = await gateway.inject({
      method: 'GET',
      url: '/api/v1/users/boom',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.statusCode).toBe(502);
    expect(response.json()).toMatchObject({ code: 'upstream-error' });
    expect(response.body).not.toContain('10.0.0.7');
  });

  it('answers 503 upstream-unavailable for a stopped upstream, and keeps serving the others', async () => {
    const doomed = createApp({ name: 'down', version: '1', logDestination: { write: () => undefined } });
    const downUrl = await listen(doomed);
    await doomed.close();
    const withDown = await harness.gateway({
      routes: [...IDENTITY_ROUTES, { pattern: '/api/v1/down/*', upstream: 'down', token: 'optional' }],
      upstreams: [
        { name: 'auth', baseUrls: [harness.authUrl], timeoutMs: 2000 },
        { name: 'user', baseUrls: [harness.userUrl], timeoutMs: 500 },
        { name: 'down', baseUrls: [downUrl], timeoutMs: 500 },
      ],
      breaker: { breakerFailures: 3, breakerHalfOpenAfterMs: 60_000 },
    });
    for (const method of ['GET', 'POST', 'GET'] as const) {
      const response = await withDown.inject({
        method,
        url: '/api/v1/down/anything',
        payload: method === 'POST' ? {} : undefined,
      });
      expect(response.statusCode).toBe(503);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({ code: 'upstream-unavailable' });
      expect(response.body).not.toContain('127.0.0.1');
    }
    // The open circuit of one upstream does not touch another.
    const user = await withDown.inject({
      method: 'GET',
      url: '/api/v1/users/7',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(user.statusCode).toBe(200);
  });

  it('answers 504 upstream-timeout for a slow upstream', async () => {
    const started = Date.now();
    const response = await gateway.inject({
      method: 'GET',
      url: '/api/v1/users/slow',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.statusCode).toBe(504);
    expect(response.json()).toMatchObject({ code: 'upstream-timeout' });
    // The gateway gave up (500 ms timeout, no retry of a timeout) before the upstream answered.
    expect(Date.now() - started).toBeLessThan(SLOW_MS);
  });
});

describe('request hygiene', () => {
  it('answers malformed JSON, oversized bodies and other media types with 4xx problems', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const malformed = await gateway.inject({
      method: 'PATCH',
      url: '/api/v1/users/me',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: '{"displayName": ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ code: 'malformed-json' });

    const oversized = await gateway.inject({
      method: 'PATCH',
      url: '/api/v1/users/me',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: JSON.stringify({ displayName: 'x'.repeat(20_000) }),
    });
    expect(oversized.statusCode).toBe(413);
    expect(oversized.json()).toMatchObject({ code: 'payload-too-large' });

    const text = await gateway.inject({
      method: 'PATCH',
      url: '/api/v1/users/me',
      headers: { ...auth, 'content-type': 'text/plain' },
      payload: 'hello',
    });
    expect(text.statusCode).toBe(415);
    expect(text.headers['content-type']).toMatch(/^application\/problem\+json/);

    const poisoned = await gateway.inject({
      method: 'PATCH',
      url: '/api/v1/users/me',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: '{"__proto__": {"admin": true}}',
    });
    expect(poisoned.statusCode).toBe(400);
  });

  it('sets security headers: a locked-down CSP on the API, no CORS unless configured', async () => {
    const response = await gateway.inject({
      method: 'GET',
      url: '/api/v1/nothing',
      headers: { origin: 'https://evil.example' },
    });
    expect(response.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['strict-transport-security']).toContain('max-age=');
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers CORS for configured origins only', async () => {
    const withCors = await harness.gateway({ corsOrigins: ['https://app.scalegram.dev'] });
    const preflight = await withCors.inject({
      method: 'OPTIONS',
      url: '/api/v1/users/me',
      headers: {
        origin: 'https://app.scalegram.dev',
        'access-control-request-method': 'PATCH',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://app.scalegram.dev');
    expect(preflight.headers['access-control-allow-methods']).toContain('PATCH');
    const other = await withCors.inject({
      method: 'GET',
      url: '/.well-known/jwks.json',
      headers: { origin: 'https://evil.example' },
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const allowed = await withCors.inject({
      method: 'GET',
      url: '/.well-known/jwks.json',
      headers: { origin: 'https://app.scalegram.dev' },
    });
    expect(allowed.headers['access-control-expose-headers']).toContain('ratelimit');
  });
});

describe('the default route table in a deployment without the content services', () => {
  it('leaves their routes out (404) instead of refusing to start', async () => {
    const app = await harness.gateway({ routes: undefined });
    const response = await app.inject({ method: 'GET', url: '/api/v1/posts/1' });
    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe('route-not-found');
    expect((await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).statusCode).toBe(200);
  });
});
