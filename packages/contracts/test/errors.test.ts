import { describe, expect, it } from '@jest/globals';
import { ConflictError, NotFoundError, UnavailableError } from '../src/errors.ts';

describe('typed adapter errors', () => {
  it('carry the HTTP status they map to and a stable code', () => {
    const cause = new Error('ECONNREFUSED');
    const unavailable = new UnavailableError('redis is down', { cause });
    expect([new NotFoundError('x').status, new ConflictError('x').status, unavailable.status]).toEqual([404, 409, 503]);
    expect(new ConflictError('taken', { code: 'username-taken' }).code).toBe('username-taken');
    expect(unavailable.cause).toBe(cause);
    expect(unavailable).toBeInstanceOf(Error);
  });
});
