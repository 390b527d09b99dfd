import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type App, createApp } from '../src/app.ts';
import { captureLogs } from './log-capture.ts';

const SECRETS = ['Bearer eyJhbGciOi.secret-jwt', 'session=s3cr3t-cookie', 'hunter2-password', 'refresh-tok-999'];
const logs = captureLogs();
let app: App;

beforeAll(async () => {
  app = createApp({ name: 'logging-test', version: '1.2.3', logDestination: logs });
  // A careless handler that logs everything it receives: exactly what redaction must survive.
  app.post('/login', async (request) => {
    request.log.info({ headers: request.headers, body: request.body }, 'login attempt');
    request.log.info({ req: { headers: request.headers } }, 'raw request');
    request.log.info({ input: { user: { newPassword: 'hunter2-password' } }, currentPassword: 'old-pw-77' });
    request.log.info({ credentials: { token: 'tok-abc' }, data: { accessToken: 'acc-xyz' } }, 'tokens');
    return { ok: true };
  });
  await app.ready();
});

afterAll(async () => {
  await app.close();
});

describe('logging', () => {
  it('redacts authorization, cookies and secret fields at the top level and in the usual containers', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/login',
      headers: { authorization: SECRETS[0], cookie: SECRETS[1], 'content-type': 'application/json' },
      payload: JSON.stringify({
        username: 'alice',
        password: SECRETS[2],
        refreshToken: SECRETS[3],
        user: { token: 'tok-abc', accessToken: 'acc-xyz' },
      }),
    });
    expect(response.statusCode).toBe(200);
    const output = logs.lines.join('');
    expect(output).toContain('login attempt');
    expect(output).toContain('alice');
    for (const secret of [...SECRETS, 'tok-abc', 'acc-xyz', 'old-pw-77']) expect(output).not.toContain(secret);
    expect(output).toContain('[redacted]');
  });

  it('stamps every line of a request with service, version, requestId and traceId', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/login',
      headers: { 'x-request-id': 'req-log-1', 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(response.statusCode).toBe(200);
    const lines = logs.records().filter((record) => record.requestId === 'req-log-1');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines) {
      expect(line).toMatchObject({ service: 'logging-test', version: '1.2.3' });
      expect(typeof line.level).toBe('string');
      expect(line.traceId).toMatch(/^[0-9a-f]{32}$/);
    }
    expect(lines.map((line) => line.msg)).toEqual(expect.arrayContaining(['incoming request', 'request completed']));
  });

  it('does not log probe and scrape requests', async () => {
    const before = logs.lines.length;
    await app.inject({ method: 'GET', url: '/healthz' });
    await app.inject({ method: 'GET', url: '/readyz' });
    await app.inject({ method: 'GET', url: '/metrics' });
    expect(logs.lines.slice(before)).toEqual([]);
  });
});
