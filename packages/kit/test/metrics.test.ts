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
