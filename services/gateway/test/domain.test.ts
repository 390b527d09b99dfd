import { describe, expect, it } from '@jest/globals';
import { clientResponseHeaders, upstreamRequestHeaders } from '../src/domain/forwarded-headers.ts';
import { mergeOpenApiDocuments } from '../src/domain/openapi-merge.ts';
import {
  combineListFields,
  rateLimitField,
  rateLimitPolicyField,
  retryAfterSeconds,
} from '../src/domain/rate-limit-fields.ts';
import { createRouteTable } from '../src/domain/route-table.ts';
import { upstreamProblemResponse } from '../src/domain/upstream-problem.ts';

const policy = { name: 'default', limit: 50, windowMs: 60_000 };

describe('RateLimit fields', () => {
  it('formats the policy and the service limit as SF list items', () => {
    expect(rateLimitPolicyField(policy)).toBe('"default";q=50;w=60');
    expect(rateLimitField(policy, { remaining: 49, resetMs: 59_001 })).toBe('"default";r=49;t=60');
    expect(rateLimitField(policy, { remaining: 0, resetMs: 0 })).toBe('"default";r=0;t=0');
    expect(rateLimitPolicyField({ ...policy, windowMs: 1500 })).toBe('"default";q=50;w=2');
  });

  it('never advertises a Retry-After of 0', () => {
    expect(retryAfterSeconds({ resetMs: 0 })).toBe(1);
    expect(retryAfterSeconds({ resetMs: 1001 })).toBe(2);
  });

  it('refuses names that are not SF strings', () => {
    expect(() => rateLimitPolicyField({ ...policy, name: 'a"b' })).toThrow(RangeError);
    expect(() => rateLimitPolicyField({ ...policy, limit: -1 })).toThrow(RangeError);
  });

  it('combines list fields', () => {
    expect(combineListFields('"default";r=1', undefined)).toBe('"default";r=1');
    expect(combineListFields('"default";r=1', ['"login";r=2', ' '])).toBe('"default";r=1, "login";r=2');
  });
});

describe('forwarded headers', () => {
  it('forwards the allow-list and replaces X-Forwarded-For with the resolved client', () => {
    const headers = upstreamRequestHeaders(
      {
        authorization: 'Bearer x',
        'if-none-match': '"a"',
        connection: 'close',
        cookie: 'a=b',
        'x-forwarded-for': '1.2.3.4',
        'transfer-encoding': 'chunked',
      },
      '10.0.0.1',
      'https',
    );
    expect(headers).toEqual({
      authorization: 'Bearer x',
      'if-none-match': '"a"',
      'x-forwarded-for': '10.0.0.1',
      'x-forwarded-proto': 'https',
    });
  });

  it('returns only safe response headers', () => {
    expect(
      clientResponseHeaders({
        location: '/a',
        etag: '"1"',
        'retry-after': '3',
        'content-type': 'application/json',
        connection: 'keep-alive',
        'keep-alive': 'timeout=5',
        'transfer-encoding': 'chunked',
        'set-cookie': ['a=b'],
        'content-length': '12',
      }),
    ).toEqual({ location: '/a', etag: '"1"', 'retry-after': '3', 'content-type': 'application/json' });
  });
});

describe('upstream problem pass-through', () => {
  it('rebuilds WWW-Authenticate and Retry-After from the problem', () => {
    expect(upstreamProblemResponse(401, { type: 't', code: 'invalid-token' }).headers).toEqual({
      'www-authenticate': 'Bearer error="invalid_token"',
    });
    expect(upstreamProblemResponse(401, { type: 't', code: 'unauthenticated' }).headers).toEqual({
      'www-authenticate': 'Bearer',
    });
    expect(upstreamProblemResponse(429, { type: 't', retryAfterSeconds: 3 }).headers).toEqual({ 'retry-after': '3' });
    expect(upstreamProblemResponse(429, { type: 't', retryAfterSeconds: 'soon' }).headers).toEqual({});
  });

  it('keeps the body and picks the content type from its shape', () => {
    const problem = upstreamProblemResponse(404, { type: 't', code: 'not-found' });
    expect(problem.contentType).toBe('application/problem+json');
    expect(JSON.parse(problem.payload)).toEqual({ type: 't', code: 'not-found' });
    expect(upstreamProblemResponse(400, { error: 'x' }).contentType).toMatch(/^application\/json/);
    expect(upstreamProblemResponse(400, 'plain').payload).toBe('plain');
  });
});

describe('OpenAPI merge', () => {
  const routes = createRouteTable([
    { pattern: '/api/v1/users/*', upstream: 'user', token: 'required' },
    { pattern: '/api/v1/users/:id/posts', upstream: 'post', token: 'required' },
  ]);
  const problem = { type: 'object', properties: { code: { type: 'string' } } };

  it('keeps routed paths of each upstream, shared components once, and renames clashes', () => {
    const merged = mergeOpenApiDocuments({
      title: 'API',
      version: '1',
      description: 'd',
      routes,
      missing: ['media'],
      documents: [
        {
          upstream: 'user',
          document: {
            paths: {
              '/api/v1/users/{id}': { get: { $ref: '#/components/schemas/Item' } },
              // Served by the user service, but the table sends it to the post service.
              '/api/v1/users/{id}/posts': { get: {} },
              '/internal/users/{id}': { put: {} },
            },
            components: { schemas: { Problem: problem, Item: { type: 'string' } } },
          },
        },
        {
          upstream: 'post',
          document: {
            paths: { '/api/v1/users/{id}/posts': { get: { $ref: '#/components/schemas/Item' } } },
            components: { schemas: { Problem: problem, Item: { type: 'integer' } } },
          },
        },
      ],
    });
    expect(Object.keys(merged.paths ?? {})).toEqual(['/api/v1/users/{id}', '/api/v1/users/{id}/posts']);
    expect(merged.paths?.['/api/v1/users/{id}/posts']?.get).toMatchObject({ $ref: '#/components/schemas/post.Item' });
    expect(merged.paths?.['/api/v1/users/{id}']?.get).toMatchObject({ $ref: '#/components/schemas/Item' });
    expect(merged.components?.schemas).toEqual({
      Problem: problem,
      Item: { type: 'string' },
      'post.Item': { type: 'integer' },
    });
    expect(merged.info?.description).toBe('d\n\nNot included (their service did not answer): media.');
  });

  it('adds what the edge answers on every operation: security, 401, 429 and the RateLimit fields, 502/503/504', () => {
    const tables = createRouteTable([
      { pattern: '/api/v1/auth/*', upstream: 'auth', token: 'optional' },
      { pattern: '/api/v1/users/*', upstream: 'user', token: 'required' },
    ]);
    const merged = mergeOpenApiDocuments({
      title: 'API',
      version: '1',
      description: 'd',
      routes: tables,
      missing: [],
      documents: [
        {
          upstream: 'auth',
          document: {
            paths: { '/api/v1/auth/login': { post: { tags: ['auth'], security: [], responses: { 200: {} } } } },
            components: { schemas: { Problem: problem, Unused: { type: 'string' } } },
          },
        },
        // The service forgot `security`: the route table's `required` still makes it bearer.
        { upstream: 'user', document: { paths: { '/api/v1/users/me': { get: { tags: ['users'], responses: {} } } } } },
      ],
    }) as { paths: Record<string, Record<string, Record<string, unknown>>>; [key: string]: unknown };
    const login = merged.paths['/api/v1/auth/login']?.post as Record<string, unknown>;
    const me = merged.paths['/api/v1/users/me']?.get as Record<string, unknown>;
    expect(login.security).toEqual([]);
    expect(me.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(login.responses as object).sort()).toEqual(['200', '429', '502', '503', '504']);
    expect(Object.keys(me.responses as object).sort()).toEqual(['401', '429', '502', '503', '504']);
    const meResponses = me.responses as Record<string, Record<string, Record<string, unknown>>>;
    expect(Object.keys(meResponses['401']?.headers ?? {})).toContain('WWW-Authenticate');
    const tooMany = meResponses['429'];
    expect(tooMany?.content).toEqual({
      'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
    });
    expect(Object.keys(tooMany?.headers ?? {})).toEqual(['Retry-After', 'RateLimit', 'RateLimit-Policy']);
    expect(merged.components).toMatchObject({
      headers: { 'Retry-After': { required: true } },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    });
    // Nothing references Unused: a component no operation uses is left out.
    expect((merged.components as { schemas: object }).schemas).toEqual({ Problem: problem });
    expect(merged.tags).toEqual([
      { name: 'auth', description: expect.any(String) },
      { name: 'users', description: expect.any(String) },
    ]);
    expect(merged.info).toMatchObject({ license: { name: 'Apache-2.0' }, contact: { name: 'Scalegram' } });
  });
});
