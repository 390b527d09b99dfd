// The journeys' response check (support/openapi-contract.ts) on a small document: it must refuse each
// way an answer can depart from the document, or a passing journey would prove nothing.
import { describe, expect, it } from '@jest/globals';
import { OpenApiContract } from './support/openapi-contract.ts';

const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
const contract = new OpenApiContract({
  openapi: '3.1.0',
  paths: {
    '/api/v1/users/{id}': {
      get: {
        responses: {
          200: {
            description: 'OK',
            headers: { RateLimit: { $ref: '#/components/headers/RateLimit' } },
            content: { 'application/json': { schema: { $ref: '#/components/schemas/User' } } },
          },
          404: { description: 'Not Found', content: problem },
          429: {
            description: 'Too Many Requests',
            headers: { 'Retry-After': { required: true, schema: { type: 'integer', minimum: 0 } } },
            content: problem,
          },
        },
      },
      delete: { responses: { 204: { description: 'No Content' } } },
    },
    '/api/v1/users/me': {
      get: { responses: { 200: { description: 'OK', content: { 'text/plain': { schema: { type: 'string' } } } } } },
    },
  },
  components: {
    headers: { RateLimit: { schema: { type: 'string', pattern: '^"' } } },
    schemas: {
      Problem: { type: 'object', required: ['code'], properties: { code: { type: 'string' } } },
      User: {
        $id: 'User',
        type: 'object',
        required: ['id', 'createdAt'],
        properties: { id: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' } },
      },
    },
  },
});

const json = (value: unknown, type = 'application/json', extra: Record<string, string> = {}) => ({
  headers: new Headers({ 'content-type': `${type}; charset=utf-8`, ...extra }),
  body: JSON.stringify(value),
});
const user = { id: '1', createdAt: '2026-12-07T22:00:00.000Z' };

describe('OpenAPI response check', () => {
  it('accepts answers the document describes', () => {
    expect(contract.violations({ method: 'GET', url: '/api/v1/users/7?x=1', status: 200, ...json(user) })).toEqual([]);
    expect(
      contract.violations({
        method: 'GET',
        url: '/api/v1/users/7',
        status: 429,
        ...json({ code: 'too-many-requests' }, 'application/problem+json', { 'retry-after': '3' }),
      }),
    ).toEqual([]);
    expect(
      contract.violations({ method: 'DELETE', url: '/api/v1/users/7', status: 204, headers: new Headers(), body: '' }),
    ).toEqual([]);
    // The literal path wins over the template.
    expect(
      contract.violations({ method: 'GET', url: '/api/v1/users/me', status: 200, ...json('hi', 'text/plain') }),
    ).toEqual([]);
  });

  it('refuses an undeclared operation, status, content type, header or body', () => {
    const violations = (answer: Parameters<OpenApiContract['violations']>[0]) => contract.violations(answer).join();
    expect(violations({ method: 'POST', url: '/api/v1/users/7', status: 200, ...json(user) })).toMatch(
      /not an operation/,
    );
    expect(violations({ method: 'GET', url: '/api/v1/users/7', status: 500, ...json({ code: 'x' }) })).toMatch(
      /status not declared/,
    );
    expect(violations({ method: 'GET', url: '/api/v1/users/7', status: 404, ...json({ code: 'not-found' }) })).toMatch(
      /content type application\/json not declared/,
    );
    expect(
      violations({ method: 'GET', url: '/api/v1/users/7', status: 200, ...json({ id: 1, createdAt: 'yesterday' }) }),
    ).toMatch(/body .*\/id must be string.*\/createdAt must match format/);
    expect(
      violations({
        method: 'GET',
        url: '/api/v1/users/7',
        status: 429,
        ...json({ code: 'x' }, 'application/problem+json'),
      }),
    ).toMatch(/required header Retry-After is missing/);
    expect(
      violations({
        method: 'GET',
        url: '/api/v1/users/7',
        status: 200,
        ...json(user, 'application/json', { ratelimit: 'r=1' }),
      }),
    ).toMatch(/header RateLimit/);
    expect(violations({ method: 'DELETE', url: '/api/v1/users/7', status: 204, ...json(user) })).toMatch(
      /declares no body/,
    );
  });
});
