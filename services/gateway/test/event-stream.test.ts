// Server-Sent Events through the gateway (route rows with `stream: true`): streamed, not buffered;
// open past heartbeats and past the upstream timeout; Last-Event-ID and the query forwarded; the token
// accepted from ?access_token= on that route only; a client disconnect reaching the upstream; counted
// once by the rate limit; ended cleanly by a gateway shutdown; errors answered like any other row; and
// several replicas behind one comma-separated upstream list.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createAccessTokenVerifier } from '@scalegram/kit/access-token';
import type { App } from '@scalegram/kit/app';
import { createMemoryStore } from '@scalegram/kv/memory-store';
import { Agent, fetch as undiciFetch } from 'undici';
import { buildGatewayApp, type GatewayDeps } from '../src/app.ts';
import { DEFAULT_ROUTE_TABLE } from '../src/domain/route-table.ts';
import { eventually, type FakeEventStream, readUntil, startFakeEventStream } from './support/fake-event-stream.ts';
import { fakeAuthService, listen } from './support/fake-upstreams.ts';
import { AUDIENCE, createSigningKey, ISSUER, type SigningKey, signAccessToken } from './support/signing-keys.ts';

const quiet = { write: () => undefined };
const HEARTBEAT_MS = 150;
const UPSTREAM_TIMEOUT_MS = 300;

let key: SigningKey;
let auth: App;
let authUrl: string;
let jwksUrl: string;
let upstream: FakeEventStream;
const gateways: App[] = [];
const readers: ReadableStreamDefaultReader<Uint8Array>[] = [];
const client = new Agent();
const fetch = (url: string, init: { headers?: Record<string, string> } = {}) =>
  undiciFetch(url, { ...init, dispatcher: client });

async function gateway(notificationUrls: string[], overrides: Partial<GatewayDeps> = {}): Promise<string> {
  const app = buildGatewayApp({
    kv: createMemoryStore(),
    verifier: createAccessTokenVerifier({ jwks: jwksUrl, issuer: ISSUER, audience: AUDIENCE }),
    upstreams: [
      { name: 'auth', baseUrls: [authUrl], timeoutMs: 2000 },
      { name: 'user', baseUrls: [authUrl], timeoutMs: 2000 },
      { name: 'notification', baseUrls: notificationUrls, timeoutMs: UPSTREAM_TIMEOUT_MS },
    ],
    routes: DEFAULT_ROUTE_TABLE.filter((entry) => ['auth', 'user', 'notification'].includes(entry.upstream)),
    rateLimit: { enabled: true, limit: 50, windowMs: 60_000, failOpen: true },
    breaker: { breakerFailures: 5, breakerHalfOpenAfterMs: 10_000 },
    trustProxy: false,
    corsOrigins: [],
    bodyLimit: 16 * 1024,
    openApiRefreshMs: 60_000,
    logDestination: quiet,
    ...overrides,
  });
  gateways.push(app);
  return listen(app);
}

async function openStream(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers } });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  readers.push(reader);
  return { response, reader, seen: { text: '' } };
}

beforeAll(async () => {
  key = await createSigningKey('sse-key');
  auth = fakeAuthService({ current: [key] });
  authUrl = await listen(auth);
  jwksUrl = `${authUrl}/.well-known/jwks.json`;
  upstream = await startFakeEventStream({ jwksUrl, heartbeatMs: HEARTBEAT_MS });
});

afterEach(async () => {
  await Promise.all(readers.splice(0).map((reader) => reader.cancel().catch(() => undefined)));
});

afterAll(async () => {
  // The test client's own keep-alive connections go first: a connection it opened ahead of a request
  // that never came would otherwise hold the gateway's close (Node does not count it as idle).
  await client.destroy();
  await Promise.all(gateways.map((app) => app.close()));
  await upstream.close();
  await auth.close();
});

describe('Server-Sent Events through the gateway', () => {
  it('streams events as they come, past heartbeats and past the upstream timeout', async () => {
    const base = await gateway([upstream.url]);
    const token = await signAccessToken(key, { userId: '501' });
    const { response, reader, seen } = await openStream(`${base}/api/v1/notifications/stream`, {
      authorization: `Bearer ${token}`,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('x-request-id')).toBeTruthy();
    await readUntil(reader, 'hello from upstream', 5000, seen);
    upstream.publish('11', { id: '11', type: 'like' });
    await readUntil(reader, 'id: 11\nevent: notification\ndata: {"id":"11","type":"like"}\n\n', 5000, seen);
    // Several heartbeats, and more than the upstream timeout: the body has none, the stream stays.
    await readUntil(reader, ': heartbeat\n\n: heartbeat\n\n: heartbeat', 5000, seen);
    await new Promise((resolve) => setTimeout(resolve, UPSTREAM_TIMEOUT_MS * 2));
    upstream.publish('12', { id: '12', type: 'follow' });
    await readUntil(reader, 'id: 12', 5000, seen);
  });

  it('takes the token from ?access_token= on the stream only, and forwards Last-Event-ID and the query', async () => {
    const lines: string[] = [];
    const base = await gateway([upstream.url], {
      logLevel: 'info',
      logDestination: { write: (line: string) => lines.push(line) },
    });
    const token = await signAccessToken(key, { userId: '502' });
    const before = upstream.opened.length;
    const { response, reader } = await openStream(`${base}/api/v1/notifications/stream?access_token=${token}`, {
      'last-event-id': '41',
    });
    expect(response.status).toBe(200);
    await readUntil(reader, 'hello from upstream');
    expect(upstream.opened[before]).toEqual({
      lastEventId: '41',
      url: `/api/v1/notifications/stream?access_token=${token}`,
      authorization: `Bearer ${token}`,
    });
    // The gateway's log lines name the stream without the token (logs outlive tokens).
    const logged = lines.join('');
    expect(logged).toContain('access_token=[redacted]');
    expect(logged).not.toContain(token);
    // Anywhere else the query parameter is not a credential.
    const elsewhere = await fetch(`${base}/api/v1/notifications?access_token=${token}`);
    expect(elsewhere.status).toBe(401);
    await elsewhere.text();
    const noToken = await fetch(`${base}/api/v1/notifications/stream`);
    expect(noToken.status).toBe(401);
    await noToken.text();
    const forged = await fetch(`${base}/api/v1/notifications/stream?access_token=${token}x`);
    expect(forged.status).toBe(401);
    await forged.text();
  });

  it('closes the upstream stream when the client goes away', async () => {
    const base = await gateway([upstream.url]);
    const token = await signAccessToken(key, { userId: '503' });
    const { reader } = await openStream(`${base}/api/v1/notifications/stream`, { authorization: `Bearer ${token}` });
    await readUntil(reader, 'hello from upstream');
    const openBefore = upstream.open.size;
    await reader.cancel();
    await eventually(() => upstream.open.size === openBefore - 1);
  });

  it('counts a stream once against the rate limit, however long it stays open', async () => {
    const base = await gateway([upstream.url], {
      rateLimit: { enabled: true, limit: 5, windowMs: 60_000, failOpen: true },
    });
    const token = await signAccessToken(key, { userId: '504' });
    const headers = { authorization: `Bearer ${token}` };
    const { response, reader, seen } = await openStream(`${base}/api/v1/notifications/stream`, headers);
    expect(response.headers.get('ratelimit')).toMatch(/r=4;/);
    for (let i = 0; i < 6; i += 1) upstream.publish(`2${i}`, { n: i });
    await readUntil(reader, 'id: 25', 5000, seen);
    await readUntil(reader, ': heartbeat', 5000, seen);
    const next = await fetch(`${base}/api/v1/notifications/stream`, { headers });
    expect(next.headers.get('ratelimit')).toMatch(/r=3;/);
    await next.body?.cancel();
  });

  it('ends open streams cleanly when the gateway shuts down', async () => {
    const app = buildGatewayApp({
      kv: createMemoryStore(),
      verifier: createAccessTokenVerifier({ jwks: jwksUrl, issuer: ISSUER, audience: AUDIENCE }),
      upstreams: [
        { name: 'auth', baseUrls: [authUrl], timeoutMs: 2000 },
        { name: 'user', baseUrls: [authUrl], timeoutMs: 2000 },
        { name: 'notification', baseUrls: [upstream.url], timeoutMs: UPSTREAM_TIMEOUT_MS },
      ],
      routes: DEFAULT_ROUTE_TABLE.filter((entry) => ['auth', 'user', 'notification'].includes(entry.upstream)),
      rateLimit: { enabled: false, limit: 50, windowMs: 60_000, failOpen: true },
      breaker: { breakerFailures: 5, breakerHalfOpenAfterMs: 10_000 },
      trustProxy: false,
      corsOrigins: [],
      bodyLimit: 16 * 1024,
      openApiRefreshMs: 60_000,
      logDestination: quiet,
    });
    const base = await listen(app);
    const token = await signAccessToken(key, { userId: '505' });
    const { reader, seen } = await openStream(`${base}/api/v1/notifications/stream`, {
      authorization: `Bearer ${token}`,
    });
    await readUntil(reader, 'hello from upstream', 5000, seen);
    const openBefore = upstream.open.size;
    const closing = app.close();
    // The response ends (done), it is not torn down (which would reject the read).
    let done = false;
    while (!done) done = (await reader.read()).done;
    await closing;
    await eventually(() => upstream.open.size === openBefore - 1);
  });

  it('answers upstream refusals like any other row: 4xx passed through, down → 503', async () => {
    const base = await gateway([upstream.url]);
    // Valid at the gateway (its key), refused upstream: the upstream's 401 problem comes through.
    const other = await createSigningKey('sse-key');
    const stranger = await signAccessToken(other, { userId: '506' });
    const otherAuth = fakeAuthService({ current: [other] });
    const otherBase = await gateway([upstream.url], {
      verifier: createAccessTokenVerifier({
        jwks: `${await listen(otherAuth)}/.well-known/jwks.json`,
        issuer: ISSUER,
        audience: AUDIENCE,
      }),
    });
    const refused = await fetch(`${otherBase}/api/v1/notifications/stream`, {
      headers: { authorization: `Bearer ${stranger}` },
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(await refused.json()).toMatchObject({ code: 'invalid-token' });
    await otherAuth.close();

    const down = await gateway(['http://127.0.0.1:9']);
    const token = await signAccessToken(key, { userId: '507' });
    const unavailable = await fetch(`${down}/api/v1/notifications/stream`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(unavailable.status).toBe(503);
    expect(await unavailable.json()).toMatchObject({ code: 'upstream-unavailable' });
    expect(base).toBeTruthy();
  });

  it('balances streams over several replicas (comma-separated upstream list), and both deliver', async () => {
    const second = await startFakeEventStream({ jwksUrl, heartbeatMs: HEARTBEAT_MS, name: 'second' });
    try {
      const base = await gateway([upstream.url, second.url]);
      const token = await signAccessToken(key, { userId: '508' });
      const headers = { authorization: `Bearer ${token}` };
      const one = await openStream(`${base}/api/v1/notifications/stream`, headers);
      const two = await openStream(`${base}/api/v1/notifications/stream`, headers);
      const greetings = [
        await readUntil(one.reader, '\n\n', 5000, one.seen),
        await readUntil(two.reader, '\n\n', 5000, two.seen),
      ];
      expect(greetings.some((text) => text.includes('hello from second'))).toBe(true);
      expect(greetings.some((text) => text.includes('hello from upstream'))).toBe(true);
      upstream.publish('31', { from: 'first' });
      second.publish('32', { from: 'second' });
      const [first, other] = greetings[0]?.includes('second') ? [two, one] : [one, two];
      await readUntil(first.reader, 'id: 31', 5000, first.seen);
      await readUntil(other.reader, 'id: 32', 5000, other.seen);
    } finally {
      await Promise.all(readers.splice(0).map((reader) => reader.cancel().catch(() => undefined)));
      await second.close();
    }
  });
});
