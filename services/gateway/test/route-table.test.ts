import { describe, expect, it } from '@jest/globals';
import { createRouteTable, DEFAULT_ROUTE_TABLE, type RouteEntry } from '../src/domain/route-table.ts';

const table = createRouteTable(DEFAULT_ROUTE_TABLE);

describe('route table', () => {
  it('routes the identity paths to their upstreams', () => {
    expect(table.match('/api/v1/auth/login')?.entry).toMatchObject({ upstream: 'auth', token: 'optional' });
    expect(table.match('/.well-known/jwks.json')?.entry).toMatchObject({ upstream: 'auth', token: 'optional' });
    expect(table.match('/api/v1/users/me')?.entry).toMatchObject({ upstream: 'user', token: 'required' });
    expect(table.match('/api/v1/users/42/followers')?.entry.upstream).toBe('user');
  });

  it('lets the most specific entry win', () => {
    expect(table.match('/api/v1/auth/password')?.entry).toMatchObject({ upstream: 'auth', token: 'required' });
    expect(table.match('/api/v1/auth/password/extra')?.entry.token).toBe('optional');
  });

  it('prefers literals over parameters and exact patterns over wildcards', () => {
    const entries: RouteEntry[] = [
      { pattern: '/api/v1/users/*', upstream: 'user', token: 'required' },
      { pattern: '/api/v1/users/:id/posts', upstream: 'post', token: 'required' },
      { pattern: '/api/v1/users/me/posts', upstream: 'me', token: 'required' },
      { pattern: '/api/v1/users/:id/posts/*', upstream: 'post-deep', token: 'required' },
    ];
    const routes = createRouteTable(entries);
    expect(routes.match('/api/v1/users/7/posts')).toEqual({ entry: entries[1], params: { id: '7' } });
    expect(routes.match('/api/v1/users/me/posts')?.entry.upstream).toBe('me');
    expect(routes.match('/api/v1/users/7/posts/9')?.entry.upstream).toBe('post-deep');
    expect(routes.match('/api/v1/users/7/followers')?.entry.upstream).toBe('user');
  });

  it('routes nothing outside the table', () => {
    expect(table.match('/api/v1/nope')).toBeUndefined();
    expect(table.match('/internal/users/1')).toBeUndefined();
    expect(table.match('/.well-known/other')).toBeUndefined();
    expect(table.match('/')).toBeUndefined();
  });

  it('refuses internal, malformed and duplicate patterns', () => {
    expect(() => createRouteTable([{ pattern: '/internal/*', upstream: 'user', token: 'required' }])).toThrow(
      /internal/,
    );
    expect(() => createRouteTable([{ pattern: 'api', upstream: 'user', token: 'required' }])).toThrow(RangeError);
    expect(() => createRouteTable([{ pattern: '/a/*/b', upstream: 'user', token: 'required' }])).toThrow(RangeError);
    expect(() =>
      createRouteTable([
        { pattern: '/a/:x', upstream: 'user', token: 'required' },
        { pattern: '/a/:y', upstream: 'post', token: 'required' },
      ]),
    ).toThrow(/duplicate/);
  });
});

describe('the default table with the content services', () => {
  const table = createRouteTable(DEFAULT_ROUTE_TABLE);
  it.each([
    ['/api/v1/users/42', 'user'],
    ['/api/v1/users/42/followers', 'user'],
    ['/api/v1/users/42/posts', 'post'],
    ['/api/v1/posts', 'post'],
    ['/api/v1/posts/9/comments', 'post'],
    ['/api/v1/media', 'media'],
    ['/api/v1/media/7/complete', 'media'],
  ])('routes %s to %s', (path, upstream) => {
    expect(table.match(path)?.entry.upstream).toBe(upstream);
  });

  it('requires a token for the content API and never routes file bytes (they go straight to the store)', () => {
    expect(table.match('/files/variants/7/thumb.webp')).toBeUndefined();
    expect(table.match('/api/v1/posts')?.entry.token).toBe('required');
    expect(table.match('/api/v1/media/7')?.entry.token).toBe('required');
  });
});
