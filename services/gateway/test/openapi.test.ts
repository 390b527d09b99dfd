import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type App, createApp } from '@scalegram/kit/app';
import { listen } from './support/fake-upstreams.ts';
import { type Harness, IDENTITY_ROUTES, startHarness } from './support/gateway-harness.ts';

let harness: Harness;
let gateway: App;

interface Document {
  openapi: string;
  info: { description: string };
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, unknown> };
}

beforeAll(async () => {
  harness = await startHarness();
  gateway = await harness.gateway();
});

afterAll(async () => {
  await harness.close();
});

describe('aggregated OpenAPI document and Swagger UI', () => {
  it('merges the paths the route table exposes, and only those', async () => {
    const response = await gateway.inject({ method: 'GET', url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    const document = response.json() as Document;
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/auth/login',
        '/api/v1/users/me',
        '/api/v1/users/{id}',
        '/.well-known/jwks.json',
      ]),
    );
    expect(document.paths['/api/v1/users/me']).toHaveProperty('patch');
    expect(Object.keys(document.paths).some((path) => path.startsWith('/internal'))).toBe(false);
    // Components of both services, the shared Problem schema once.
    expect(document.components.schemas).toHaveProperty('Problem');
    expect(document.components.schemas).toHaveProperty('UserProfile');
    expect(document.info.description).not.toContain('Not included');
  });

  it('serves Swagger UI as HTML from the package, with its own CSP', async () => {
    const page = await gateway.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('swagger');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    const asset = await gateway.inject({ method: 'GET', url: '/docs/static/swagger-ui-bundle.js' });
    expect(asset.statusCode).toBe(200);
  });

  it('answers a browser at / with a page pointing at the docs and the API, and keeps it out of the document', async () => {
    const page = await gateway.inject({ method: 'GET', url: '/', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('href="/docs"');
    expect(page.body).toContain('/api/v1');
    // No script may run on it; only its own inline style, by hash.
    expect(page.headers['content-security-policy']).toMatch(/^default-src 'none'; style-src 'sha256-[^']+'; /);
    expect(page.body).not.toContain('<script');
    const head = await gateway.inject({ method: 'HEAD', url: '/' });
    expect(head.statusCode).toBe(200);
    const document = (await gateway.inject({ method: 'GET', url: '/docs/json' })).json() as Document;
    expect(document.paths).not.toHaveProperty('/');
  });

  it('names an upstream that never answered, and keeps the last good document of one that stops', async () => {
    const flaky = createApp({
      name: 'flaky',
      version: '1',
      openapi: { title: 'flaky' },
      logDestination: { write: () => undefined },
    });
    flaky.register(async (routes: App) => {
      routes.get('/api/v1/flaky/ping', { schema: { response: { 200: { type: 'string' } } } }, async () => 'pong');
    });
    const flakyUrl = await listen(flaky);
    const withFlaky = await harness.gateway({
      routes: [
        ...IDENTITY_ROUTES,
        { pattern: '/api/v1/flaky/*', upstream: 'flaky', token: 'optional' },
        { pattern: '/api/v1/never/*', upstream: 'never', token: 'optional' },
      ],
      upstreams: [
        { name: 'auth', baseUrls: [harness.authUrl], timeoutMs: 2000 },
        { name: 'user', baseUrls: [harness.userUrl], timeoutMs: 500 },
        { name: 'flaky', baseUrls: [flakyUrl], timeoutMs: 500 },
        // Nothing listens on port 9 (discard) locally: refused at once.
        { name: 'never', baseUrls: ['http://127.0.0.1:9'], timeoutMs: 500 },
      ],
      openApiRefreshMs: 1000,
    });
    const first = (await withFlaky.inject({ method: 'GET', url: '/docs/json' })).json() as Document;
    expect(first.paths).toHaveProperty(['/api/v1/flaky/ping']);
    expect(first.info.description).toContain('Not included (their service did not answer): never.');

    await flaky.close();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const second = (await withFlaky.inject({ method: 'GET', url: '/docs/json' })).json() as Document;
    expect(second.paths).toHaveProperty(['/api/v1/flaky/ping']);
    expect(second.info.description).not.toContain('flaky');
  });

  it('picks up an upstream that starts after the gateway within seconds, not a whole refresh interval', async () => {
    const late = createApp({
      name: 'late',
      version: '1',
      openapi: { title: 'late' },
      logDestination: { write: () => undefined },
    });
    late.register(async (routes: App) => {
      routes.get('/api/v1/late/ping', { schema: { response: { 200: { type: 'string' } } } }, async () => 'pong');
    });
    // Reserve a port, then free it: the gateway starts while nothing listens there.
    const probe = createApp({ name: 'probe', version: '1', logDestination: { write: () => undefined } });
    const lateUrl = await listen(probe);
    await probe.close();
    const gateway = await harness.gateway({
      routes: [...IDENTITY_ROUTES, { pattern: '/api/v1/late/*', upstream: 'late', token: 'optional' }],
      upstreams: [
        { name: 'auth', baseUrls: [harness.authUrl], timeoutMs: 2000 },
        { name: 'user', baseUrls: [harness.userUrl], timeoutMs: 500 },
        { name: 'late', baseUrls: [lateUrl], timeoutMs: 500 },
      ],
      openApiRefreshMs: 60_000,
    });
    const before = (await gateway.inject({ method: 'GET', url: '/docs/json' })).json() as Document;
    expect(before.info.description).toContain('late');

    await late.listen({ port: Number(new URL(lateUrl).port), host: '127.0.0.1' });
    try {
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      const after = (await gateway.inject({ method: 'GET', url: '/docs/json' })).json() as Document;
      expect(after.paths).toHaveProperty(['/api/v1/late/ping']);
      expect(after.info.description).not.toContain('Not included');
    } finally {
      await late.close();
    }
  });
});
