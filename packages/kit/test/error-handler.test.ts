import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConflictError, InvalidInputError, NotFoundError, UnavailableError } from '@scalegram/contracts/errors';
import { InvalidCursorError } from '@scalegram/contracts/pagination';
import { PROBLEM_CONTENT_TYPE, problemType } from '@scalegram/contracts/problem';
import Type from 'typebox';
import { type App, createApp } from '../src/app.ts';
import { HttpProblem } from '../src/http-problem.ts';
import { UpstreamResponseError, UpstreamTimeoutError } from '../src/upstream-errors.ts';
import { captureLogs } from './log-capture.ts';

const logs = captureLogs();
let app: App;

beforeAll(async () => {
  app = createApp({ name: 'errors-test', version: '1.0.0', bodyLimit: 1024, logDestination: logs });
  app.post(
    '/users',
    {
      schema: {
        body: Type.Object({ username: Type.String({ minLength: 3 }), age: Type.Integer({ minimum: 13 }) }),
        // A route's own 400 schema must not reshape the problem document.
        response: { 201: Type.Object({ ok: Type.Boolean() }), 400: Type.Object({ reason: Type.String() }) },
      },
    },
    async (_request, reply) => reply.code(201).send({ ok: true }),
  );
  app.get('/throw/:kind', async (request, reply) => {
    const { kind } = request.params as { kind: string };
    switch (kind) {
      case 'not-found':
        throw new NotFoundError('user 42 not found', { code: 'user-not-found' });
      case 'conflict':
        throw new ConflictError('username taken', { code: 'username-taken' });
      case 'invalid-input':
        throw new InvalidInputError('object key must not contain ".."', { code: 'invalid-object-key' });
      case 'unavailable':
        throw new UnavailableError('connect ECONNREFUSED 10.0.0.7:5432');
      case 'cursor':
        throw new InvalidCursorError('cursor is not one this server issued');
      case 'problem':
        throw new HttpProblem(403, 'not-author', 'Forbidden', {
          detail: 'Only the author can edit this post.',
          extra: { postId: '123' },
        });
      case 'rate-limited':
        throw new HttpProblem(429, 'rate-limited', 'Too Many Requests', { headers: { 'retry-after': '7' } });
      case 'plugin-429': {
        // What a rate-limit plugin does: set its headers on the reply, then throw a 429 error.
        reply.header('ratelimit', 'limit=50, remaining=0, reset=7');
        const error = Object.assign(new Error('Rate limit exceeded, retry in 7 seconds'), { statusCode: 429 });
        throw error;
      }
      case 'upstream-timeout':
        throw new UpstreamTimeoutError('user', 500);
      case 'upstream-error':
        throw new UpstreamResponseError('user', 400, { code: 'secret-upstream-detail' });
      default:
        throw new Error('SELECT * FROM credentials failed: password column leaked');
    }
  });
  app.get(
    '/documented/:id',
    { schema: { response: { 200: Type.Object({ id: Type.String() }), 404: Type.Ref('Problem') } } },
    async () => {
      throw new NotFoundError('post 9 not found', { code: 'post-not-found' });
    },
  );
  await app.ready();
});

afterAll(async () => {
  await app.close();
});

async function problemOf(
  method: 'GET' | 'POST',
  url: string,
  init: { payload?: string; headers?: Record<string, string> } = {},
) {
  const response = await app.inject({ method, url, ...init });
  expect(response.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
  return { response, body: response.json() as Record<string, unknown> };
}

describe('error handler', () => {
  it('answers schema validation failures with 400 and field errors', async () => {
    const { response, body } = await problemOf('POST', '/users?x=1', {
      payload: JSON.stringify({ username: 'ab', age: 20 }),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(400);
    expect(body).toMatchObject({
      type: problemType('validation-failed'),
      status: 400,
      code: 'validation-failed',
      instance: '/users',
      requestId: response.headers['x-request-id'],
    });
    const fields = (body.errors as Array<{ field: string }>).map((error) => error.field);
    // Fastify's Ajv stops at the first error (allErrors is off: it is a DoS vector on hostile input).
    expect(fields).toEqual(['/body/username']);
    expect(body).not.toHaveProperty('reason');
  });

  it('reports a missing required field by its path', async () => {
    const { body } = await problemOf('POST', '/users', {
      payload: JSON.stringify({ username: 'alice' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: '/body/age' })]));
  });

  it('answers malformed JSON with 400', async () => {
    const { response, body } = await problemOf('POST', '/users', {
      payload: '{"username": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(400);
    expect(body.code).toBe('malformed-json');
    expect(body.type).toBe(problemType('malformed-json'));
  });

  it('answers a body over the limit with 413', async () => {
    const { response, body } = await problemOf('POST', '/users', {
      payload: JSON.stringify({ username: 'x'.repeat(2000), age: 20 }),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(413);
    expect(body.code).toBe('payload-too-large');
  });

  it('answers an unsupported content type with 415', async () => {
    const { response, body } = await problemOf('POST', '/users', {
      payload: '<user/>',
      headers: { 'content-type': 'application/xml' },
    });
    expect(response.statusCode).toBe(415);
    expect(body.code).toBe('unsupported-media-type');
  });

  it('answers an unknown route with a 404 problem', async () => {
    const { response, body } = await problemOf('GET', '/nowhere?q=1');
    expect(response.statusCode).toBe(404);
    expect(body).toMatchObject({ code: 'route-not-found', instance: '/nowhere', type: problemType('route-not-found') });
  });

  it.each([
    ['not-found', 404, 'user-not-found', 'user 42 not found'],
    ['conflict', 409, 'username-taken', 'username taken'],
    ['invalid-input', 400, 'invalid-object-key', 'object key must not contain ".."'],
    ['cursor', 400, 'invalid-cursor', 'cursor is not one this server issued'],
  ])('maps %s to %i with its code', async (kind, status, code, detail) => {
    const { response, body } = await problemOf('GET', `/throw/${kind}`);
    expect(response.statusCode).toBe(status);
    expect(body).toMatchObject({ status, code, detail, type: problemType(code) });
  });

  it('maps UnavailableError to 503 without leaking the dependency address', async () => {
    const { response, body } = await problemOf('GET', '/throw/unavailable');
    expect(response.statusCode).toBe(503);
    expect(body.code).toBe('unavailable');
    expect(response.body).not.toContain('10.0.0.7');
  });

  it('maps an upstream timeout to 504 upstream-timeout', async () => {
    const { response, body } = await problemOf('GET', '/throw/upstream-timeout');
    expect(response.statusCode).toBe(504);
    expect(body.type).toBe(problemType('upstream-timeout'));
  });

  it('maps an unhandled upstream 4xx to 502 without echoing its body', async () => {
    const { response, body } = await problemOf('GET', '/throw/upstream-error');
    expect(response.statusCode).toBe(502);
    expect(body.code).toBe('upstream-error');
    expect(response.body).not.toContain('secret-upstream-detail');
  });

  it('renders HttpProblem with its status, code, title, detail and extra members', async () => {
    const { response, body } = await problemOf('GET', '/throw/problem');
    expect(response.statusCode).toBe(403);
    expect(body).toMatchObject({
      type: problemType('not-author'),
      title: 'Forbidden',
      code: 'not-author',
      detail: 'Only the author can edit this post.',
      postId: '123',
    });
  });

  it('passes 429 headers through, from HttpProblem and from plugins', async () => {
    const own = await problemOf('GET', '/throw/rate-limited');
    expect(own.response.statusCode).toBe(429);
    expect(own.response.headers['retry-after']).toBe('7');
    const plugin = await problemOf('GET', '/throw/plugin-429');
    expect(plugin.response.statusCode).toBe(429);
    expect(plugin.body.code).toBe('too-many-requests');
    expect(plugin.response.headers.ratelimit).toBe('limit=50, remaining=0, reset=7');
  });

  it('answers unknown errors with a generic 500 and logs the real error', async () => {
    const { response, body } = await problemOf('GET', '/throw/boom');
    expect(response.statusCode).toBe(500);
    expect(body.code).toBe('internal');
    expect(response.body).not.toContain('credentials');
    expect(response.body).not.toMatch(/at .*\.ts:\d+/);
    expect(body).not.toHaveProperty('stack');
    const logged = logs.records().find((record) => record.msg === 'unhandled error');
    expect(JSON.stringify(logged)).toContain('SELECT * FROM credentials failed');
    expect(logged?.requestId).toBe(body.requestId);
  });

  it('lets routes document errors with the shared Problem schema registered by createApp', async () => {
    const { response, body } = await problemOf('GET', '/documented/9');
    expect(response.statusCode).toBe(404);
    expect(body).toMatchObject({ code: 'post-not-found', instance: '/documented/9', requestId: expect.any(String) });
  });

  it('rejects an HttpProblem built with a non-error status', () => {
    expect(() => new HttpProblem(200, 'ok', 'OK')).toThrow(RangeError);
  });
});
