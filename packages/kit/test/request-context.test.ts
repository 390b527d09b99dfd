import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Type from 'typebox';
import { type App, createApp } from '../src/app.ts';
import { currentRequestContext } from '../src/request-context.ts';
import { captureLogs } from './log-capture.ts';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
let app: App;

beforeAll(async () => {
  app = createApp({ name: 'context-test', version: '1', logDestination: captureLogs() });
  // Reads the context after awaiting, as a repository or client deep in the call chain would.
  const snapshot = async () => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return currentRequestContext();
  };
  app.get('/ctx', async (request) => {
    const context = await snapshot();
    return { requestId: context?.requestId, traceId: context?.trace.traceId, fromRequest: request.traceContext };
  });
  app.post('/ctx', { schema: { body: Type.Object({ text: Type.String() }) } }, async () => {
    const context = await snapshot();
    return { requestId: context?.requestId, traceId: context?.trace.traceId };
  });
  await app.ready();
});

afterAll(async () => {
  await app.close();
});

describe('request id and trace context', () => {
  it('honours a valid incoming x-request-id and echoes it', async () => {
    const response = await app.inject({ method: 'GET', url: '/ctx', headers: { 'x-request-id': 'abc-123' } });
    expect(response.headers['x-request-id']).toBe('abc-123');
    expect(response.json().requestId).toBe('abc-123');
  });

  it('replaces an unsafe incoming x-request-id with a generated UUID', async () => {
    const response = await app.inject({ method: 'GET', url: '/ctx', headers: { 'x-request-id': 'a b<script>' } });
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('generates an id when none is sent, and echoes it on errors too', async () => {
    const response = await app.inject({ method: 'GET', url: '/missing' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.json().requestId).toBe(response.headers['x-request-id']);
  });

  it('continues an incoming traceparent and exposes request.traceContext', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/ctx',
      headers: { traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` },
    });
    const body = response.json();
    expect(body.traceId).toBe(TRACE_ID);
    expect(body.fromRequest).toMatchObject({ traceId: TRACE_ID, parentSpanId: '00f067aa0ba902b7', flags: '01' });
  });

  it('starts a new trace for an invalid traceparent', async () => {
    const response = await app.inject({ method: 'GET', url: '/ctx', headers: { traceparent: 'garbage' } });
    expect(response.json().traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(response.json().fromRequest.parentSpanId).toBeUndefined();
  });

  it('keeps the context through body parsing, on a real socket', async () => {
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const response = await fetch(`${address}/ctx`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'with-body-1' },
      body: JSON.stringify({ text: 'x'.repeat(100_000) }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ requestId: 'with-body-1' });
  });

  it('has no context outside a request', () => {
    expect(currentRequestContext()).toBeUndefined();
  });
});
