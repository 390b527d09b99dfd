import { describe, expect, it } from '@jest/globals';
import { decodeCursor, encodeCursor, InvalidCursorError } from '../src/pagination.ts';

describe('cursors', () => {
  it('round-trips a position', () => {
    const cursor = encodeCursor({ id: '123456789012345678', score: 42 });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, { id: 'string', score: 'number' })).toEqual({ id: '123456789012345678', score: 42 });
  });

  it.each([
    ['not base64 json', 'zzzz'],
    ['wrong keys', encodeCursor({ other: 'x' })],
    ['wrong type', encodeCursor({ id: 5 })],
    ['extra keys', encodeCursor({ id: 'a', more: 'b' })],
    ['an array', Buffer.from('[1]').toString('base64url')],
  ])('rejects %s', (_name, cursor) => {
    expect(() => decodeCursor(cursor, { id: 'string' })).toThrow(InvalidCursorError);
  });
});
