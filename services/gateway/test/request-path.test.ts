import { describe, expect, it } from '@jest/globals';
import { isForwardablePath, pathOf } from '../src/domain/request-path.ts';

describe('request path', () => {
  it('strips the query string', () => {
    expect(pathOf('/api/v1/users/1/followers?limit=5&cursor=abc')).toBe('/api/v1/users/1/followers');
    expect(pathOf('/api/v1/users/me')).toBe('/api/v1/users/me');
  });

  it('forwards ordinary paths', () => {
    expect(isForwardablePath('/api/v1/users/me')).toBe(true);
    expect(isForwardablePath('/api/v1/users/by-username/alice.b_c')).toBe(true);
    expect(isForwardablePath('/api/v1/users/')).toBe(true);
  });

  it('refuses anything another hop could normalise differently', () => {
    for (const path of [
      '/api/v1/users/../../internal/users/1',
      '/api/v1/users/./me',
      '/api/v1/users/..%2f..%2finternal',
      '/api/v1/users/%2E%2E/internal',
      '/api/v1/users\\..\\internal',
      '/api/v1//users/me',
      '/api/v1/users/%00',
      'api/v1/users',
    ]) {
      expect({ path, ok: isForwardablePath(path) }).toEqual({ path, ok: false });
    }
  });
});
