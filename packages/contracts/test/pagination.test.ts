import { describe, expect, it } from '@jest/globals';
import { decodeCursor, encodeCursor, InvalidCursorError } from '../src/pagination.ts';

const raw = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('cursors', () => {
  it('round-trips a position', () => {
    const cursor = encodeCursor({ id: '123456789012345678', t: 1_700_000_000_000 });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, { id: 'id', t: 'epoch-ms' })).toEqual({
      id: '123456789012345678',
      t: 1_700_000_000_000,
    });
  });

  it('accepts the ends of each range', () => {
    expect(decodeCursor(raw({ s: '9223372036854775807' }), { s: 'id' })).toEqual({ s: '9223372036854775807' });
    expect(decodeCursor(raw({ s: '0' }), { s: 'id' })).toEqual({ s: '0' });
    expect(decodeCursor(raw({ t: 0 }), { t: 'epoch-ms' })).toEqual({ t: 0 });
    expect(decodeCursor(raw({ t: 8.64e15 }), { t: 'epoch-ms' })).toEqual({ t: 8.64e15 });
  });

  it.each([
    ['not base64 json', 'zzzz'],
    ['wrong keys', encodeCursor({ other: 'x' })],
    ['wrong type', encodeCursor({ id: 5 })],
    ['extra keys', encodeCursor({ id: '1', more: 'b' })],
    ['an array', raw([1])],
    ['null', raw(null)],
    // The audit's case: 20 digits match "digits" but not a Postgres bigint.
    ['an id beyond 2^63 - 1', raw({ id: '9999999999999999999' })],
    ['2^63', raw({ id: '9223372036854775808' })],
    ['a negative id', raw({ id: '-1' })],
    ['an id with a leading zero', raw({ id: '01' })],
    ['an id holding U+0000', raw({ id: '1\u0000' })],
    ['__proto__ in place of the key', raw({ ['__proto__']: '1' })],
  ])('rejects %s', (_name, cursor) => {
    expect(() => decodeCursor(cursor, { id: 'id' })).toThrow(InvalidCursorError);
  });

  it.each([
    ['a negative time', -1],
    ['a time beyond what a Date holds', 8.64e15 + 1],
    ['a fraction', 1.5],
    ['a huge number', 1e300],
    ['a string', '1'],
  ])('rejects %s as a time', (_name, value) => {
    expect(() => decodeCursor(raw({ t: value }), { t: 'epoch-ms' })).toThrow(InvalidCursorError);
  });
});
