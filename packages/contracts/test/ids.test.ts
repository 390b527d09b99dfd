import { describe, expect, it } from '@jest/globals';
import { decimalRangePattern, ID_PATTERN, Id, idToString, isId, parseId } from '../src/ids.ts';

const MAX = (1n << 63n) - 1n;

/** The reference rule the pattern must agree with: canonical decimal, 0 … max. */
function reference(value: string, max: bigint): boolean {
  return /^(0|[1-9][0-9]*)$/.test(value) && BigInt(value) <= max;
}

describe('64-bit ids as strings', () => {
  it('keeps every bit of a 64-bit id that a JavaScript number would round', () => {
    const id = 9007199254740993n; // 2^53 + 1
    expect(Number(id).toString()).not.toBe('9007199254740993');
    expect(idToString(id)).toBe('9007199254740993');
    expect(parseId('9007199254740993')).toBe(id);
  });

  it('rejects what is not a non-negative 63-bit decimal', () => {
    for (const bad of ['', '-1', '01', '1.5', 'abc', '9223372036854775808', '9999999999999999999', ' 1', '1\n']) {
      expect(isId(bad)).toBe(false);
    }
    expect(isId('9223372036854775807')).toBe(true);
    expect(() => parseId('x')).toThrow(RangeError);
  });

  it('the schema pattern is the real range: every neighbour of every digit of 2^63 - 1 agrees with BigInt', () => {
    const digits = MAX.toString();
    const probes = new Set<string>(['0', '1', '9', '10', '99', digits, (MAX + 1n).toString(), '1'.padEnd(20, '0')]);
    for (let index = 0; index < digits.length; index += 1) {
      for (let digit = 0; digit <= 9; digit += 1) {
        const head = digits.slice(0, index) + String(digit);
        probes.add(head.padEnd(digits.length, '0'));
        probes.add(head.padEnd(digits.length, '9'));
      }
    }
    const pattern = new RegExp(ID_PATTERN);
    for (const probe of probes) expect([probe, pattern.test(probe)]).toEqual([probe, reference(probe, MAX)]);
    expect((Id as { pattern?: string }).pattern).toBe(ID_PATTERN);
  });

  it('agrees with BigInt on random decimals of every length, and on small ranges exhaustively', () => {
    const pattern = new RegExp(ID_PATTERN);
    const disagreements: string[] = [];
    for (let i = 0; i < 20_000; i += 1) {
      const length = 1 + (i % 21);
      let value = '';
      for (let d = 0; d < length; d += 1) value += String(Math.floor(Math.random() * 10));
      if (pattern.test(value) !== reference(value, MAX)) disagreements.push(value);
    }
    for (const max of [0n, 9n, 10n, 100n, 255n, 1000n, 4096n, 65535n]) {
      const small = new RegExp(decimalRangePattern(max));
      for (let n = 0; n <= Number(max) * 2 + 20; n += 1) {
        for (const text of [String(n), `0${n}`]) {
          if (small.test(text) !== reference(text, max)) disagreements.push(`${text} ≤ ${max}`);
        }
      }
    }
    expect(disagreements).toEqual([]);
  });
});
