import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Type from 'typebox';
import { type App, createApp } from '../src/app.ts';
import { captureLogs } from './log-capture.ts';

let app: App;
let received: unknown[] = [];

beforeAll(async () => {
  app = createApp({ name: 'validation-test', version: '1', logDestination: captureLogs() });
  app.register(async (routes) => {
    routes.post(
      '/profiles/:id',
      {
        schema: {
          params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
          querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) }),
          body: Type.Object({ bio: Type.String({ maxLength: 10 }) }, { additionalProperties: false }),
        },
      },
      async (request) => {
        received.push({ params: request.params, query: request.query, body: request.body });
        return { ok: true };
      },
    );
  });
  await app.ready();
});

afterAll(() => app.close());

const post = (url: string, body: unknown) =>
  app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });

describe('request validation', () => {
  it('converts params and querystring (they arrive as strings) and fills defaults', async () => {
    received = [];
    expect((await post('/profiles/7?limit=5', { bio: 'hi' })).statusCode).toBe(200);
    expect((await post('/profiles/7', { bio: 'hi' })).statusCode).toBe(200);
    expect(received).toEqual([
      { params: { id: 7 }, query: { limit: 5 }, body: { bio: 'hi' } },
      { params: { id: 7 }, query: { limit: 20 }, body: { bio: 'hi' } },
    ]);
  });

  it.each([
    ['an extra body field', '/profiles/7', { bio: 'hi', admin: true }],
    ['a number where a string belongs', '/profiles/7', { bio: 5 }],
    ['a missing body field', '/profiles/7', {}],
    ['an over-long string', '/profiles/7', { bio: 'x'.repeat(11) }],
    ['a non-canonical number in the path', '/profiles/07', { bio: 'hi' }],
    ['a fractional number in the query', '/profiles/7?limit=1.5', { bio: 'hi' }],
  ])('answers 400 problem+json for %s and never reaches the handler', async (_case, url, body) => {
    received = [];
    const response = await post(url, body);
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.json().code).toBe('validation-failed');
    expect(received).toEqual([]);
  });
});

describe('field errors', () => {
  it('names every missing, extra and mistyped field once', async () => {
    const response = await post('/profiles/7', { admin: true, extra: 1 });
    expect(response.json().detail).toBe(
      '/body/bio is required; /body/admin is not allowed; /body/extra is not allowed',
    );
    expect(response.json().errors).toEqual([
      { field: '/body/bio', message: 'is required' },
      { field: '/body/admin', message: 'is not allowed' },
      { field: '/body/extra', message: 'is not allowed' },
    ]);
    const wrongType = await post('/profiles/7', { bio: 5 });
    expect(wrongType.json().errors).toEqual([{ field: '/body/bio', message: expect.stringMatching(/string/) }]);
  });
});
