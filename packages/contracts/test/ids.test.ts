import { describe, expect, it } from '@jest/globals';
import { idToString, isId, parseId } from '../src/ids.ts';

describe('64-bit ids as strings', () => {
  it('keeps every bit of a 64-bit id that a JavaScript number would round', () => {
    const id = 9007199254740993n; // 2^53 + 1
    expect(Number(id).toString()).not.toBe('9007199254740993');
    expect(idToString(id)).toBe('9007199254740993');
    expect(parseId('9007199254740993')).toBe(id);
  });

  it('rejects what is not a non-negative 63-bit decimal', () => {
    for (const bad of ['', '-1', '01', '1.5', 'abc', '9223372036854775808', ' 1']) expect(isId(bad)).toBe(false);
    expect(isId('9223372036854775807')).toBe(true);
    expect(() => parseId('x')).toThrow(RangeError);
  });
});
