import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PROBLEM_CONTENT_TYPE, problemType } from '@scalegram/contracts/problem';
import { type App, createApp } from '../src/app.ts';
import { captureLogs } from './log-capture.ts';

const state = { database: true };
const logs = captureLogs();
let app: App;

beforeAll(async () => {
  app = createApp({
    name: 'health-test',
    version: '1',
    logDestination: logs,
    readinessTimeoutMs: 100,
    readinessChecks: [
      {
        name: 'database',
        check: async () => {
          if (!state.database) throw new Error('connect ECONNREFUSED postgres://admin:pw@10.0.0.5');
        },
      },
      { name: 'cache', check: async () => {} },
      {
        name: 'broker',
        // Hangs when the database is "down" too, to exercise the per-check timeout.
        check: () => (state.database ? Promise.resolve() : new Promise<void>(() => {})),
      },
    ],
  });
  await app.ready();
});

afterAll(async () => {
  await app.close();
});

describe('health', () => {
  it('answers liveness with 200', async () => {
    const response = await app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('answers readiness with 200 and per-check status when every check passes', async () => {
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      status: 'ok',
      checks: [
        { name: 'database', status: 'ok' },
        { name: 'cache', status: 'ok' },
        { name: 'broker', status: 'ok' },
      ],
    });
  });

  it('answers 503 listing failing and timed-out checks, without leaking their errors', async () => {
    state.database = false;
    try {
      const started = Date.now();
      const response = await app.inject({ method: 'GET', url: '/readyz' });
      expect(Date.now() - started).toBeLessThan(1000);
      expect(response.statusCode).toBe(503);
      expect(response.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
      const body = response.json();
      expect(body).toMatchObject({ type: problemType('not-ready'), status: 503, code: 'not-ready' });
      expect(body.detail).toBe('Failing readiness checks: database, broker');
      expect(body.checks).toEqual([
        { name: 'database', status: 'failed' },
        { name: 'cache', status: 'ok' },
        { name: 'broker', status: 'timeout' },
      ]);
      expect(response.body).not.toContain('10.0.0.5');
      expect(logs.lines.join('')).toContain('ECONNREFUSED');
    } finally {
      state.database = true;
    }
  });

  it('keeps liveness green while readiness fails', async () => {
    state.database = false;
    try {
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      state.database = true;
    }
  });

  it('fails readiness immediately once shutdown has begun', async () => {
    expect(app.health.shuttingDown).toBe(false);
    app.health.beginShutdown();
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json().code).toBe('shutting-down');
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
