// The token source against a real HTTP server that plays the auth service's token endpoint: what it
// sends, caching, single flight, refresh ahead of expiry (with a movable clock), serving the cached
// token through an auth outage, refusals, retries and invalidation.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import Fastify, { type FastifyInstance } from 'fastify';
import { basicCredentials, createServiceTokenSource, type ServiceTokenSource } from '../src/service-token-source.ts';

interface Seen {
  authorization: string | undefined;
  body: unknown;
}

let server: FastifyInstance;
let authUrl: string;
let seen: Seen[] = [];
/** What the next requests get: a status to fail with (once per entry), else a token. */
let failures: number[] = [];
let expiresIn = 60;
let delayMs = 0;
let issued = 0;
let notAToken = false;

beforeAll(async () => {
  server = Fastify();
  server.post('/internal/service-tokens', async (request, reply) => {
    seen.push({ authorization: request.headers.authorization, body: request.body });
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    const failure = failures.shift();
    if (failure !== undefined) {
      return reply
        .code(failure)
        .type('application/problem+json')
        .send({ status: failure, code: failure === 401 ? 'invalid-client' : 'unavailable' });
    }
    if (notAToken) return { access_token: '', expires_in: 'soon' };
    issued += 1;
    return { access_token: `token-${issued}`, token_type: 'Bearer', expires_in: expiresIn, scope: 'posts:read' };
  });
  authUrl = await server.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await server.close();
});

let source: ServiceTokenSource | undefined;
let clock = 1_000_000;
function newSource(options: Partial<Parameters<typeof createServiceTokenSource>[0]> = {}) {
  source = createServiceTokenSource({
    authUrl,
    clientId: 'search',
    clientSecret: 's3cret',
    scope: 'posts:read',
    now: () => clock,
    ...options,
  });
  return source;
}

afterEach(async () => {
  await source?.close();
  source = undefined;
  seen = [];
  failures = [];
  expiresIn = 60;
  delayMs = 0;
  notAToken = false;
  clock = 1_000_000;
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('service token source', () => {
  it('asks with Basic credentials and the grant, then serves the cached token', async () => {
    const tokens = newSource();
    const first = await tokens.token();
    clock += 29_000;
    expect(await tokens.token()).toBe(first);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toEqual({
      authorization: `Basic ${Buffer.from('search:s3cret').toString('base64')}`,
      body: { grant_type: 'client_credentials', scope: 'posts:read' },
    });
  });

  it('form-urlencodes id and secret before base64 (RFC 6749 §2.3.1), and sends no scope when none is set', async () => {
    expect(basicCredentials('a b', 'p:ss/+é')).toBe(
      `Basic ${Buffer.from('a+b:p%3Ass%2F%2B%C3%A9').toString('base64')}`,
    );
    const tokens = newSource({ scope: undefined });
    await tokens.token();
    expect(seen[0]?.body).toEqual({ grant_type: 'client_credentials' });
  });

  it('makes one request for many concurrent callers (single flight)', async () => {
    delayMs = 100;
    const tokens = newSource();
    const values = await Promise.all(Array.from({ length: 20 }, () => tokens.token()));
    expect(new Set(values).size).toBe(1);
    expect(seen).toHaveLength(1);
  });

  it('refreshes in the background inside the refresh window and waits once the token is nearly expired', async () => {
    const tokens = newSource();
    const first = await tokens.token();
    // 60 s token, refreshed 30 s before expiry: at +31 s the old token is served and a refresh starts.
    clock += 31_000;
    expect(await tokens.token()).toBe(first);
    await settle();
    expect(seen).toHaveLength(2);
    const second = await tokens.token();
    expect(second).not.toBe(first);
    // Past the usable part of the second token (5 s before its end): the caller waits for a fresh one.
    clock += 56_000;
    const third = await tokens.token();
    expect(third).not.toBe(second);
    expect(seen).toHaveLength(3);
  });

  it('keeps serving a valid token while auth is down, then fails with UnavailableError', async () => {
    const tokens = newSource({ maxAttempts: 1 });
    const first = await tokens.token();
    failures = [503, 503, 503];
    clock += 40_000;
    expect(await tokens.token()).toBe(first);
    await settle();
    expect(await tokens.token()).toBe(first);
    await settle();
    clock += 16_000; // 56 s: inside the last 5 s of the token
    await expect(tokens.token()).rejects.toMatchObject({ name: 'UnavailableError', code: 'upstream-unavailable' });
  });

  it('retries a 503 and does not retry a refused client', async () => {
    failures = [503];
    const tokens = newSource();
    expect(await tokens.token()).toMatch(/^token-/);
    expect(seen).toHaveLength(2);
    seen = [];
    tokens.invalidate();
    failures = [401];
    const refusal = tokens.token();
    await expect(refusal).rejects.toMatchObject({ name: 'UnavailableError', code: 'service-token-unavailable' });
    await expect(refusal).rejects.toThrow('auth refused service client "search": 401 invalid-client');
    expect(seen).toHaveLength(1);
  });

  it('caps the refresh window at half of a short lifetime, and fetches again after invalidate()', async () => {
    expiresIn = 10;
    const tokens = newSource();
    const first = await tokens.token();
    clock += 4_000;
    expect(await tokens.token()).toBe(first);
    expect(seen).toHaveLength(1);
    tokens.invalidate();
    expect(await tokens.token()).not.toBe(first);
    expect(seen).toHaveLength(2);
  });

  it('refuses an answer that is not a token, and a wrong auth URL, with UnavailableError', async () => {
    notAToken = true;
    await expect(newSource().token()).rejects.toThrow('unexpected body');
    await source?.close();
    const misplaced = newSource({ authUrl: `${authUrl}/nowhere` });
    await expect(misplaced.token()).rejects.toMatchObject({
      name: 'UnavailableError',
      code: 'service-token-unavailable',
    });
  });
});
