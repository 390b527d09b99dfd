import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Counter } from 'prom-client';
import { type App, createApp } from '../src/app.ts';
import { captureLogs } from './log-capture.ts';

let first: App;
let second: App;

function build(name: string): App {
  const app = createApp({ name, version: '1', logDestination: captureLogs() });
  app.get('/users/:id', async () => ({ ok: true }));
  app.get('/fail', async () => {
    throw new Error('boom');
  });
  return app;
}

beforeAll(async () => {
  // Two apps in one process: with prom-client's global registry the second would throw
  // "metric already registered".
  first = build('first');
  second = build('second');
  await Promise.all([first.ready(), second.ready()]);
});

afterAll(async () => {
  await Promise.all([first.close(), second.close()]);
});

async function scrape(app: App): Promise<string> {
  const response = await app.inject({ method: 'GET', url: '/metrics' });
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toContain('text/plain');
  return response.body;
}

describe('metrics', () => {
  it('labels request durations by route template, never by raw URL', async () => {
    for (const id of ['1', '2', '3']) await first.inject({ method: 'GET', url: `/users/${id}` });
    await first.inject({ method: 'GET', url: '/fail' });
    await first.inject({ method: 'GET', url: '/no/such/path/9f8e' });
    const text = await scrape(first);
    expect(text).toContain(
      'http_request_duration_seconds_count{service="first",method="GET",route="/users/:id",status_code="200"} 3',
    );
    expect(text).toContain(
      'http_request_duration_seconds_count{service="first",method="GET",route="/fail",status_code="500"} 1',
    );
    expect(text).toContain(
      'http_request_duration_seconds_count{service="first",method="GET",route="__unmatched",status_code="404"} 1',
    );
    expect(text).not.toContain('/users/1');
    expect(text).not.toContain('9f8e');
  });

  it('includes default process metrics', async () => {
    const text = await scrape(first);
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('keeps a registry per app', async () => {
    await second.inject({ method: 'GET', url: '/users/7' });
    const text = await scrape(second);
    expect(text).toContain('service="second"');
    expect(text).not.toContain('service="first"');
  });

  it('lets services register their own metrics on app.metrics', async () => {
    const posts = new Counter({
      name: 'posts_created_total',
      help: 'Posts created',
      registers: [first.metrics.registry],
    });
    posts.inc(2);
    expect(await scrape(first)).toContain('posts_created_total{service="first"} 2');
  });
});

describe('metrics on a listener of their own', () => {
  it('serves /metrics there and not on the app port, and closes it with the app', async () => {
    const app = createApp({
      name: 'public-app',
      version: '1',
      logDestination: captureLogs(),
      metrics: { port: 0, host: '127.0.0.1' },
    });
    app.get('/hello', async () => ({ ok: true }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const appPort = (app.server.address() as { port: number }).port;
      await fetch(`http://127.0.0.1:${appPort}/hello`);
      const onApp = await fetch(`http://127.0.0.1:${appPort}/metrics`);
      expect(onApp.status).toBe(404);
      expect(onApp.headers.get('content-type')).toContain('application/problem+json');

      const address = app.metrics.listenerAddress();
      expect(address?.port).toBeGreaterThan(0);
      expect(address?.port).not.toBe(appPort);
      const scrape = await fetch(`http://127.0.0.1:${address?.port}/metrics`);
      expect(scrape.status).toBe(200);
      expect(await scrape.text()).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/hello"[^}]*\} 1/);
      expect((await fetch(`http://127.0.0.1:${address?.port}/hello`)).status).toBe(404);
    } finally {
      await app.close();
    }
    expect(app.metrics.listenerAddress()).toBeUndefined();
  });

  it('serves no /metrics at all when told so', async () => {
    const app = createApp({ name: 'quiet-app', version: '1', logDestination: captureLogs(), metrics: 'none' });
    await app.ready();
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
    await app.close();
  });
});
