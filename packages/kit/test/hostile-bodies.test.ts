// Bodies built to hurt: nesting deep enough to overflow any recursive walker, and text the shared rules
// refuse. Each is a 4xx problem+json from the service that received it; nothing reaches the upstream.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PROBLEM_CONTENT_TYPE } from '@scalegram/contracts/problem';
import { MultiLineText, SingleLineText } from '@scalegram/contracts/text';
import Type from 'typebox';
import { type App, createApp } from '../src/app.ts';
import { DEFAULT_MAX_JSON_DEPTH, jsonDepthExceeds } from '../src/json-body.ts';
import { createServiceClient, type ServiceClient } from '../src/service-client.ts';

let upstream: App;
let edge: App;
let client: ServiceClient;
let upstreamCalls = 0;

beforeAll(async () => {
  // The audit's path: a gateway-like service that forwards whatever JSON it received to an upstream.
  upstream = createApp({ name: 'upstream', version: '1.0.0', logLevel: 'silent' });
  upstream.post('/echo', async (request) => {
    upstreamCalls += 1;
    return { received: request.body };
  });
  await upstream.listen({ port: 0, host: '127.0.0.1' });
  const address = upstream.server.address() as { port: number };
  client = createServiceClient({ name: 'upstream', baseUrl: `http://127.0.0.1:${address.port}` });
  edge = createApp({ name: 'edge', version: '1.0.0', logLevel: 'silent' });
  edge.post('/forward', async (request) => (await client.post('/echo', request.body)) as object);
  edge.post(
    '/profile',
    {
      schema: {
        body: Type.Object(
          { displayName: SingleLineText({ maxLength: 50 }), bio: Type.Optional(MultiLineText()) },
          { additionalProperties: false },
        ),
      },
    },
    async () => ({ ok: true }),
  );
  await edge.ready();
});

afterAll(async () => {
  await edge.close();
  await client.close();
  await upstream.close();
});

const nested = (depth: number, open = '[', close = ']') => open.repeat(depth) + close.repeat(depth);

async function forward(payload: string) {
  return edge.inject({ method: 'POST', url: '/forward', headers: { 'content-type': 'application/json' }, payload });
}

describe('JSON depth', () => {
  it('20,000 nested arrays (the audit: a stack overflow, 500) are a 400 problem and never reach the upstream', async () => {
    const before = upstreamCalls;
    for (const payload of [nested(20_000), nested(20_000, '{"a":', '}'), `{"x":${nested(100_000)}}`]) {
      const response = await forward(payload);
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
      expect(response.json()).toMatchObject({ status: 400, code: 'json-too-deep' });
    }
    expect(upstreamCalls).toBe(before);
  });

  it('accepts exactly the documented depth and refuses one more', async () => {
    const deepest = nested(DEFAULT_MAX_JSON_DEPTH);
    const accepted = await forward(deepest);
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toEqual({ received: JSON.parse(deepest) });
    expect((await forward(nested(DEFAULT_MAX_JSON_DEPTH + 1))).json()).toMatchObject({ code: 'json-too-deep' });
  });

  it('brackets inside strings, escaped quotes included, do not count', async () => {
    const text = `${'['.repeat(5000)}\\"${'{'.repeat(5000)}`;
    const response = await forward(JSON.stringify({ text }));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ received: { text } });
  });

  it('keeps the default parser behind the bound: malformed JSON, prototype poisoning, size', async () => {
    expect((await forward('{"a": [1, }')).json()).toMatchObject({ status: 400, code: 'malformed-json' });
    expect((await forward('{"__proto__": {"admin": true}}')).statusCode).toBe(400);
    const huge = await forward(JSON.stringify({ pad: 'x'.repeat(1024 * 1024) }));
    expect([huge.statusCode, huge.json().code]).toEqual([413, 'payload-too-large']);
  });

  it('the scan agrees with the structure of the text', () => {
    expect(jsonDepthExceeds('[[[]]]', 3)).toBe(false);
    expect(jsonDepthExceeds('[[[]]]', 2)).toBe(true);
    expect(jsonDepthExceeds('[[],[],[],[]]', 2)).toBe(false);
    expect(jsonDepthExceeds('{"a":"]]]]","b":[[[1]]]}', 3)).toBe(true);
    expect(jsonDepthExceeds('{"a":"\\\\","b":[[1]]}', 3)).toBe(false);
    expect(jsonDepthExceeds('"[[[["', 1)).toBe(false);
  });
});

describe('text rules in the problem document', () => {
  it('name the field and say the rule in words', async () => {
    const response = await edge.inject({
      method: 'POST',
      url: '/profile',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ displayName: 'a\u0000b', bio: 'x\u202ey' }),
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
    const errors = response.json().errors as { field: string; message: string }[];
    expect(errors.map((error) => error.field).sort()).toEqual(['/body/bio', '/body/displayName']);
    for (const error of errors) {
      expect(error.message).toMatch(/^must not contain control characters/);
      expect(error.message).not.toContain('\\u');
    }
  });
});
