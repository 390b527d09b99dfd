import { type AddressInfo, createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { UnavailableError } from '@scalegram/contracts/errors';
import { problemType } from '@scalegram/contracts/problem';
import Fastify, { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { type App, createApp } from '../src/app.ts';
import { createServiceClient, type ServiceClient, type ServiceClientOptions } from '../src/service-client.ts';
import { parseTraceparent } from '../src/trace-context.ts';
import { UpstreamResponseError, UpstreamTimeoutError } from '../src/upstream-errors.ts';
import { captureLogs } from './log-capture.ts';

// A real upstream on an ephemeral port. Every route counts the attempts it receives.
const hits = new Map<string, number>();
const failuresLeft = new Map<string, number>();
let breakerUpstreamDown = true;
let upstream: FastifyInstance;
let baseUrl: string;
let deadUrl: string;
const clients: ServiceClient[] = [];

function hit(key: string): number {
  const count = (hits.get(key) ?? 0) + 1;
  hits.set(key, count);
  return count;
}

function client(overrides: Partial<ServiceClientOptions> = {}): ServiceClient {
  const created = createServiceClient({
    name: 'upstream',
    baseUrl,
    timeoutMs: 1000,
    retry: { maxAttempts: 3, baseDelayMs: 5 },
    breaker: { consecutiveFailures: 100, halfOpenAfterMs: 1000 },
    ...overrides,
  });
  clients.push(created);
  return created;
}

beforeAll(async () => {
  upstream = Fastify();
  // Answers 503 for the first N calls of a key (N set by the test), then 200.
  const flaky = async (
    request: { params: unknown; headers: Record<string, unknown> },
    reply: { code(n: number): unknown },
  ) => {
    const { key } = request.params as { key: string };
    hit(key);
    const left = failuresLeft.get(key) ?? 0;
    if (left > 0) {
      failuresLeft.set(key, left - 1);
      reply.code(503);
      return { code: 'unavailable' };
    }
    return { ok: true, idempotencyKey: request.headers['idempotency-key'] ?? null };
  };
  upstream.get('/flaky/:key', flaky);
  upstream.post('/flaky/:key', flaky);
  upstream.get('/status/:code', async (request, reply) => {
    const { code } = request.params as { code: string };
    hit(`status-${code}`);
    reply.code(Number(code)).type('application/problem+json');
    return { type: problemType('user-not-found'), code: 'user-not-found', status: Number(code), title: 'Not Found' };
  });
  upstream.get('/slow', async () => {
    hit('slow');
    await new Promise((resolve) => setTimeout(resolve, 400));
    return { ok: true };
  });
  upstream.get('/breaker', async (_request, reply) => {
    hit('breaker');
    if (breakerUpstreamDown) return reply.code(503).send({ code: 'unavailable' });
    return { ok: true };
  });
  upstream.get('/prefix/items', async () => ({ prefixed: true }));
  upstream.get('/echo-headers', async (request) => ({
    requestId: request.headers['x-request-id'] ?? null,
    traceparent: request.headers.traceparent ?? null,
  }));
  baseUrl = await upstream.listen({ port: 0, host: '127.0.0.1' });

  // A port that was just free: connections to it are refused.
  const dead = Fastify();
  deadUrl = await dead.listen({ port: 0, host: '127.0.0.1' });
  await dead.close();
});

afterAll(async () => {
  await Promise.all(clients.map((created) => created.close()));
  await upstream.close();
});

beforeEach(() => {
  hits.clear();
  failuresLeft.clear();
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('service client retries', () => {
  it('retries a GET on 503 until it succeeds', async () => {
    failuresLeft.set('get-ok', 2);
    expect(await client().get('/flaky/get-ok')).toMatchObject({ ok: true });
    expect(hits.get('get-ok')).toBe(3);
  });

  it('gives up after maxAttempts and raises UnavailableError', async () => {
    failuresLeft.set('get-down', 10);
    const error = await rejection(client().get('/flaky/get-down'));
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as UnavailableError).code).toBe('upstream-unavailable');
    expect(hits.get('get-down')).toBe(3);
  });

  it('never retries a plain POST', async () => {
    failuresLeft.set('post', 1);
    const error = await rejection(client().post('/flaky/post', { text: 'hi' }));
    expect(error).toBeInstanceOf(UnavailableError);
    expect(hits.get('post')).toBe(1);
  });

  it('retries a POST that carries an Idempotency-Key, sending the key each time', async () => {
    failuresLeft.set('post-idem', 1);
    const body = await client().post('/flaky/post-idem', { text: 'hi' }, { idempotencyKey: 'idem-123' });
    expect(body).toMatchObject({ ok: true, idempotencyKey: 'idem-123' });
    expect(hits.get('post-idem')).toBe(2);
  });

  it('treats an Idempotency-Key passed as a plain header the same way', async () => {
    failuresLeft.set('post-header', 1);
    const body = await client().post('/flaky/post-header', {}, { headers: { 'Idempotency-Key': 'idem-456' } });
    expect(body).toMatchObject({ ok: true, idempotencyKey: 'idem-456' });
    expect(hits.get('post-header')).toBe(2);
  });

  it('surfaces an upstream 4xx as UpstreamResponseError with status and problem body, without retrying', async () => {
    const error = await rejection(client().get('/status/404'));
    expect(error).toBeInstanceOf(UpstreamResponseError);
    expect((error as UpstreamResponseError).status).toBe(404);
    expect((error as UpstreamResponseError).problemCode).toBe('user-not-found');
    expect(hits.get('status-404')).toBe(1);
  });

  it('does not retry a 500 (a bug upstream, not a transient outage)', async () => {
    const error = await rejection(client().get('/status/500'));
    expect((error as UpstreamResponseError).status).toBe(500);
    expect(hits.get('status-500')).toBe(1);
  });

  it('reports a refused connection as the upstream being unavailable', async () => {
    const error = await rejection(client({ baseUrl: deadUrl }).get('/anything'));
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toContain('unreachable');
  });

  it('retries an idempotent request when the connection drops mid-request', async () => {
    // A TCP server that accepts and hangs up at once: a network error on every attempt.
    let connections = 0;
    const hangUp = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => hangUp.listen(0, '127.0.0.1', resolve));
    const { port } = hangUp.address() as AddressInfo;
    try {
      const error = await rejection(client({ baseUrl: `http://127.0.0.1:${port}` }).get('/anything'));
      expect(error).toBeInstanceOf(UnavailableError);
      expect(connections).toBe(3);
    } finally {
      await new Promise((resolve) => hangUp.close(resolve));
    }
  });

  it('raises UpstreamTimeoutError when an attempt exceeds its timeout', async () => {
    const started = Date.now();
    const error = await rejection(client({ timeoutMs: 100 }).get('/slow'));
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect(Date.now() - started).toBeLessThan(350);
    // A timeout is not retried: the upstream is slow, more load would not help it.
    expect(hits.get('slow')).toBe(1);
  });

  it('keeps a path prefix from baseUrl', async () => {
    expect(await client({ baseUrl: `${baseUrl}/prefix` }).get('/items')).toEqual({ prefixed: true });
  });
});

describe('service client circuit breaker', () => {
  it('opens after consecutive failures, fails fast, then recovers through a half-open probe', async () => {
    breakerUpstreamDown = true;
    const guarded = client({
      retry: { maxAttempts: 1, baseDelayMs: 5 },
      breaker: { consecutiveFailures: 3, halfOpenAfterMs: 200 },
    });
    for (let i = 0; i < 3; i++) expect(await rejection(guarded.get('/breaker'))).toBeInstanceOf(UnavailableError);
    expect(hits.get('breaker')).toBe(3);
    expect(guarded.breakerState).toBe('open');

    const fastFail = await rejection(guarded.get('/breaker'));
    expect(fastFail).toBeInstanceOf(UnavailableError);
    expect((fastFail as Error).message).toContain('circuit open');
    expect(hits.get('breaker')).toBe(3);

    breakerUpstreamDown = false;
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await guarded.get('/breaker')).toEqual({ ok: true });
    expect(hits.get('breaker')).toBe(4);
    expect(guarded.breakerState).toBe('closed');
  });

  it('does not count answers about one request: any 4xx, a 500 or another non-"unavailable" 5xx', async () => {
    const guarded = client({ breaker: { consecutiveFailures: 2, halfOpenAfterMs: 1000 } });
    for (const status of [400, 404, 409, 413, 422, 429, 500, 501, 505, 507]) {
      for (let i = 0; i < 3; i++) {
        expect(await rejection(guarded.get(`/status/${status}`))).toMatchObject({ status });
      }
    }
    expect(guarded.breakerState).toBe('closed');
  });

  it('counts what says the dependency is failing: 502, 503, 504, a timeout, a refused connection', async () => {
    const failing = [
      { baseUrl, path: '/status/502' },
      { baseUrl, path: '/status/503' },
      { baseUrl, path: '/status/504' },
      { baseUrl, path: '/slow', timeoutMs: 100 },
      { baseUrl: deadUrl, path: '/anything' },
    ];
    for (const { path, ...options } of failing) {
      const guarded = client({
        ...options,
        retry: { maxAttempts: 1, baseDelayMs: 5 },
        breaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 },
      });
      await rejection(guarded.get(path));
      await rejection(guarded.get(path));
      expect([path, guarded.breakerState]).toEqual([path, 'open']);
    }
  });
});

describe('service client metrics', () => {
  it('records call outcomes, retries and circuit state per upstream', async () => {
    const registry = new Registry();
    const measured = client({
      name: 'measured',
      metrics: registry,
      retry: { maxAttempts: 2, baseDelayMs: 5 },
      breaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 },
    });
    // A second client on the same registry must reuse the metrics, not register them twice.
    client({ name: 'other', metrics: registry });
    failuresLeft.set('metrics', 1);
    await measured.get('/flaky/metrics');
    await rejection(measured.get('/status/404'));
    breakerUpstreamDown = true;
    await rejection(measured.get('/breaker'));
    await rejection(measured.get('/breaker'));
    const text = await registry.metrics();
    const count = (outcome: string) =>
      new RegExp(
        `upstream_call_duration_seconds_count\\{upstream="measured",method="GET",outcome="${outcome}"\\} (\\d+)`,
      ).exec(text)?.[1];
    expect(count('success')).toBe('1');
    expect(count('client-error')).toBe('1');
    expect(count('unavailable')).toBe('1');
    expect(count('circuit-open')).toBe('1');
    expect(text).toContain('upstream_retries_total{upstream="measured"} 2');
    expect(text).toContain('upstream_circuit_open{upstream="measured"} 1');
    expect(text).toContain('upstream_circuit_open{upstream="other"} 0');
  });
});

describe('propagation and error mapping through an app', () => {
  const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
  const INCOMING_PARENT = '00f067aa0ba902b7';
  let app: App;

  beforeAll(async () => {
    const upstreamClient = client({ timeoutMs: 100, retry: { maxAttempts: 2, baseDelayMs: 5 } });
    app = createApp({ name: 'caller', version: '1', logDestination: captureLogs() });
    app.get('/proxy', async (request) => ({
      seen: await upstreamClient.get('/echo-headers'),
      spanId: request.traceContext.spanId,
    }));
    app.get('/slow-proxy', async () => upstreamClient.get('/slow'));
    app.get('/down-proxy', async () => upstreamClient.get('/breaker'));
    await app.ready();
  });

  afterAll(async () => {
    await app.close();
  });

  it('sends the current x-request-id and a child traceparent on outgoing calls', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/proxy',
      headers: { 'x-request-id': 'e2e-req-1', traceparent: `00-${TRACE_ID}-${INCOMING_PARENT}-01` },
    });
    expect(response.statusCode).toBe(200);
    const { seen, spanId } = response.json();
    expect(seen.requestId).toBe('e2e-req-1');
    const outgoing = parseTraceparent(seen.traceparent);
    expect(outgoing?.traceId).toBe(TRACE_ID);
    expect(outgoing?.flags).toBe('01');
    expect(outgoing?.parentSpanId).not.toBe(INCOMING_PARENT);
    expect(outgoing?.parentSpanId).not.toBe(spanId);
  });

  it('starts a trace and sends no request id for calls made outside a request', async () => {
    const seen = await client().get<{ requestId: string | null; traceparent: string }>('/echo-headers');
    expect(seen.requestId).toBeNull();
    expect(parseTraceparent(seen.traceparent)?.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('answers 504 upstream-timeout when the upstream is too slow', async () => {
    const response = await app.inject({ method: 'GET', url: '/slow-proxy' });
    expect(response.statusCode).toBe(504);
    expect(response.json()).toMatchObject({ code: 'upstream-timeout', type: problemType('upstream-timeout') });
  });

  it('answers 503 upstream-unavailable when the upstream is down', async () => {
    breakerUpstreamDown = true;
    const response = await app.inject({ method: 'GET', url: '/down-proxy' });
    expect(response.statusCode).toBe(503);
    expect(response.json().code).toBe('upstream-unavailable');
  });
});
