// Errors Fastify and Node raise before any route runs (router, HTTP parser) answer problem+json like
// everything else, and a path served under other methods answers 405 with Allow, not 404. Framing errors
// never reach app.inject, so they are sent over a real socket.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PROBLEM_CONTENT_TYPE, problemType } from '@scalegram/contracts/problem';
import { type App, createApp } from '../src/app.ts';
import { captureLogs } from './log-capture.ts';

const logs = captureLogs();
let app: App;
let port: number;

beforeAll(async () => {
  app = createApp({ name: 'framework-errors-test', version: '1.0.0', logDestination: logs });
  app.get('/posts/:id', async (request) => ({ id: (request.params as { id: string }).id }));
  app.delete('/posts/:id', async () => ({}));
  app.register(
    async (scope) => {
      scope.post('/items', async () => ({}));
    },
    { prefix: '/v1' },
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as { port: number }).port;
});

afterAll(async () => {
  await app.close();
});

/** Sends raw bytes and returns the raw answer (the server closes the socket after a framing error). */
function rawExchange(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk) => {
      answer += chunk;
    });
    socket.on('error', (error) => (answer ? resolve(answer) : reject(error)));
    socket.on('close', () => resolve(answer));
    socket.write(request);
  });
}

function parseRaw(answer: string) {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const headers = Object.fromEntries(
    headerLines.map((line) => [
      line.slice(0, line.indexOf(':')).toLowerCase(),
      line.slice(line.indexOf(':') + 1).trim(),
    ]),
  );
  return { status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(body) as Record<string, unknown> };
}

describe("Fastify's own errors", () => {
  it('answers a parameter over maxParamLength with a 414 problem', async () => {
    const response = await app.inject({ method: 'GET', url: `/posts/${'9'.repeat(500)}` });
    expect(response.statusCode).toBe(414);
    expect(response.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
    const body = response.json() as Record<string, unknown>;
    expect(body).toMatchObject({ status: 414, code: 'uri-too-long', type: problemType('uri-too-long') });
    expect(typeof body.requestId).toBe('string');
    // The offending path is not echoed back (it can be as long as the server accepts).
    expect(String(body.detail)).not.toContain('9999999999');
  });

  it('answers a malformed percent-encoding in the path with a 400 problem', async () => {
    const response = await app.inject({ method: 'GET', url: '/posts/%E0%A4%A' });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
    expect(response.json()).toMatchObject({ status: 400, code: 'invalid-path' });
  });

  it.each([
    [
      'a request line the parser rejects',
      'GET /posts/1 HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
      400,
      'bad-request',
    ],
    [
      'headers over the size limit',
      `GET /posts/1 HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      431,
      'request-header-fields-too-large',
    ],
  ])('answers %s with a problem before closing the connection', async (_name, request, status, code) => {
    const answer = parseRaw(await rawExchange(request));
    expect(answer.status).toBe(status);
    expect(answer.headers['content-type']).toBe(PROBLEM_CONTENT_TYPE);
    expect(answer.headers.connection).toBe('close');
    expect(answer.body).toMatchObject({ status, code, type: problemType(code) });
  });
});

describe('method not allowed', () => {
  it('answers 405 with Allow for a path served under other methods', async () => {
    const response = await app.inject({ method: 'PUT', url: '/posts/7?x=1' });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('DELETE, GET, HEAD');
    expect(response.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
    expect(response.json()).toMatchObject({
      status: 405,
      code: 'method-not-allowed',
      instance: '/posts/7',
      allowedMethods: ['DELETE', 'GET', 'HEAD'],
    });
  });

  it('knows routes registered under a prefix', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/items' });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('POST');
  });

  it('still answers 404 for a path no method serves', async () => {
    const response = await app.inject({ method: 'PUT', url: '/nothing/here' });
    expect(response.statusCode).toBe(404);
    expect(response.headers.allow).toBeUndefined();
    expect(response.json()).toMatchObject({ code: 'route-not-found' });
  });
});
