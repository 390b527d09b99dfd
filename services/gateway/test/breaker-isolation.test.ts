// One client cannot take a service from others (ADR 0003): bursts of requests that each make an
// upstream fail in every way a client can cause — bad ids, bad bodies, oversized bodies, text the rules
// refuse, conflicts, refusals, throttling, and inputs that hit bugs (500s, a stack overflow, a response
// that fails serialization) — while other users' requests to the same upstream keep succeeding
// throughout: not one 503 for them. A real outage still opens the circuit.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { IdParams } from '@scalegram/contracts/ids';
import { SingleLineText } from '@scalegram/contracts/text';
import { type App, createApp } from '@scalegram/kit/app';
import { HttpProblem } from '@scalegram/kit/http-problem';
import Type from 'typebox';
import { listen } from './support/fake-upstreams.ts';
import { type Harness, IDENTITY_ROUTES, startHarness } from './support/gateway-harness.ts';

const quiet = { write: () => undefined };
const BREAKER_FAILURES = 5;

// The refusals a handler raises on purpose, by the name the client sent.
const REFUSALS: Record<string, [number, string]> = {
  unauth: [401, 'unauthenticated'],
  forbidden: [403, 'forbidden'],
  taken: [409, 'name-taken'],
  unprocessable: [422, 'unprocessable-content'],
  throttled: [429, 'too-many-requests'],
};

function recurse(depth: number): number {
  return depth <= 0 ? 0 : 1 + recurse(depth - 1);
}

/** A service like ours (createApp, schemas, problem+json) whose answers depend on what the client sent. */
function victimService(): App {
  const app = createApp({ name: 'victim', version: '1', bodyLimit: 1024, logDestination: quiet });
  app.get('/api/v1/victim/items/:id', { schema: { params: IdParams } }, async (request) => {
    if (request.params.id !== '1') throw new HttpProblem(404, 'item-not-found', 'Not Found');
    return { id: '1', name: 'one' };
  });
  app.post(
    '/api/v1/victim/items',
    {
      schema: {
        body: Type.Object({ name: SingleLineText({ minLength: 1, maxLength: 20 }) }, { additionalProperties: false }),
      },
    },
    async (request, reply) => {
      const { name } = request.body;
      const refusal = REFUSALS[name];
      if (refusal) throw new HttpProblem(refusal[0], refusal[1], 'Refused');
      // A bug that only this input reaches: the kit answers 500.
      if (name === 'crash') throw new TypeError("Cannot read properties of undefined (reading 'id')");
      return reply.code(201).send({ id: '2', name });
    },
  );
  // Bugs of other shapes, reached through the query: a stack overflow and a response its schema refuses.
  app.get(
    '/api/v1/victim/report',
    {
      schema: {
        querystring: Type.Object({ depth: Type.Optional(Type.Integer({ minimum: 0 })) }),
        response: { 200: Type.Object({ total: Type.Integer() }) },
      },
    },
    async (request) => {
      const depth = request.query.depth ?? 0;
      if (depth > 1000) return { total: recurse(depth) };
      return depth === 13 ? ({ total: 'thirteen' } as unknown as { total: number }) : { total: depth };
    },
  );
  return app;
}

interface Attempt {
  name: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  payload?: string;
  /** The status the attacker gets back through the gateway. */
  status: number;
}

const body = (value: unknown) => JSON.stringify(value);

/** Every way a client can make this upstream fail, and what the gateway answers for each. */
const ATTACKS: Attempt[] = [
  { name: 'non-numeric id', method: 'GET', url: '/api/v1/victim/items/abc', status: 400 },
  { name: 'id beyond 2^63 - 1', method: 'GET', url: '/api/v1/victim/items/9999999999999999999', status: 400 },
  { name: 'unknown id', method: 'GET', url: '/api/v1/victim/items/2', status: 404 },
  { name: 'wrong type', method: 'POST', url: '/api/v1/victim/items', payload: body({ name: 5 }), status: 400 },
  { name: 'extra field', method: 'POST', url: '/api/v1/victim/items', payload: body({ name: 'a', x: 1 }), status: 400 },
  { name: 'U+0000', method: 'POST', url: '/api/v1/victim/items', payload: body({ name: 'a\u0000' }), status: 400 },
  {
    name: 'lone surrogate',
    method: 'POST',
    url: '/api/v1/victim/items',
    payload: body({ name: '\ud800' }),
    status: 400,
  },
  { name: 'malformed JSON', method: 'POST', url: '/api/v1/victim/items', payload: '{"name":', status: 400 },
  {
    name: 'nested 5,000 deep',
    method: 'POST',
    url: '/api/v1/victim/items',
    payload: `${'['.repeat(5_000)}${']'.repeat(5_000)}`,
    status: 400,
  },
  {
    name: 'body over the upstream limit',
    method: 'POST',
    url: '/api/v1/victim/items',
    payload: body({ name: 'x'.repeat(4096) }),
    status: 413,
  },
  ...Object.entries(REFUSALS).map(([name, [status]]) => ({
    name,
    method: 'POST' as const,
    url: '/api/v1/victim/items',
    payload: body({ name }),
    status,
  })),
  {
    name: 'an input that hits a bug',
    method: 'POST',
    url: '/api/v1/victim/items',
    payload: body({ name: 'crash' }),
    status: 502,
  },
  { name: 'a stack overflow', method: 'GET', url: '/api/v1/victim/report?depth=1000000', status: 502 },
  { name: 'a response its schema refuses', method: 'GET', url: '/api/v1/victim/report?depth=13', status: 502 },
  { name: 'bad query', method: 'GET', url: '/api/v1/victim/report?depth=-1', status: 400 },
  { name: 'unknown route', method: 'GET', url: '/api/v1/victim/nothing', status: 404 },
  { name: 'method not served', method: 'DELETE', url: '/api/v1/victim/items/1', status: 405 },
];

let harness: Harness;
let victim: App;
let victimPort: number;
let gateway: App;
let attacker: string;
const others: string[] = [];

beforeAll(async () => {
  harness = await startHarness();
  victim = victimService();
  const victimUrl = await listen(victim);
  victimPort = Number(new URL(victimUrl).port);
  gateway = await harness.gateway({
    routes: [...IDENTITY_ROUTES, { pattern: '/api/v1/victim/*', upstream: 'victim', token: 'required' }],
    upstreams: [
      { name: 'auth', baseUrls: [harness.authUrl], timeoutMs: 2000 },
      { name: 'user', baseUrls: [harness.userUrl], timeoutMs: 500 },
      { name: 'victim', baseUrls: [victimUrl], timeoutMs: 5000 },
    ],
    // The production policy; the gateway's own limiter is off so that every attack reaches the upstream.
    breaker: { breakerFailures: BREAKER_FAILURES, breakerHalfOpenAfterMs: 10_000 },
    rateLimit: { enabled: false, limit: 50, windowMs: 60_000, failOpen: true },
  });
  attacker = await harness.token('2001');
  others.push(await harness.token('2002'), await harness.token('2003'));
}, 60_000);

afterAll(async () => {
  await harness?.close();
  await victim?.close();
});

function send(token: string, attempt: Omit<Attempt, 'name' | 'status'>) {
  return gateway.inject({
    method: attempt.method,
    url: attempt.url,
    headers: {
      authorization: `Bearer ${token}`,
      ...(attempt.payload === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(attempt.payload === undefined ? {} : { payload: attempt.payload }),
  });
}

describe('breaker isolation', () => {
  it('bursts of client-caused failures never cost other users a single 503', async () => {
    const unexpected: string[] = [];
    const otherStatuses: number[] = [];
    let attacks = 0;
    const BURSTS = 8;
    for (let burst = 0; burst < BURSTS; burst += 1) {
      // Each burst: every attack three times at once, with other users' reads and writes among them.
      const attacking = [...ATTACKS, ...ATTACKS, ...ATTACKS].map(async (attack) => {
        const response = await send(attacker, attack);
        attacks += 1;
        const problem = String(response.headers['content-type']).startsWith('application/problem+json');
        if (response.statusCode !== attack.status || !problem) {
          unexpected.push(`${attack.name}: ${response.statusCode} ${response.body.slice(0, 120)}`);
        }
      });
      const serving = Array.from({ length: 12 }, async (_, index) => {
        const token = others[index % others.length] as string;
        const response =
          index % 2 === 0
            ? await send(token, { method: 'GET', url: '/api/v1/victim/items/1' })
            : await send(token, { method: 'POST', url: '/api/v1/victim/items', payload: body({ name: 'ok' }) });
        otherStatuses.push(response.statusCode);
      });
      await Promise.all([...attacking, ...serving]);
    }
    expect(unexpected).toEqual([]);
    expect(attacks).toBe(BURSTS * ATTACKS.length * 3);
    // Every other user's request succeeded, throughout: 0 × 503.
    expect(otherStatuses.filter((status) => status === 503)).toEqual([]);
    expect(new Set(otherStatuses)).toEqual(new Set([200, 201]));
    expect(otherStatuses).toHaveLength(BURSTS * 12);
  }, 120_000);

  it('a real outage still opens the circuit: the upstream down, then callers fail fast while it is open', async () => {
    await victim.close();
    const statuses: number[] = [];
    for (let i = 0; i < BREAKER_FAILURES + 3; i += 1) {
      statuses.push((await send(others[0] as string, { method: 'GET', url: '/api/v1/victim/items/1' })).statusCode);
    }
    expect(new Set(statuses)).toEqual(new Set([503]));
    // The upstream is back on the same address, but the circuit stays open for its cool-down: the
    // gateway answers 503 without calling it.
    victim = victimService();
    let reached = 0;
    victim.addHook('onRequest', async () => {
      reached += 1;
    });
    await victim.listen({ port: victimPort, host: '127.0.0.1' });
    const whileOpen = await send(others[0] as string, { method: 'GET', url: '/api/v1/victim/items/1' });
    expect([whileOpen.statusCode, whileOpen.json().code, reached]).toEqual([503, 'upstream-unavailable', 0]);
  });
});
