import { describe, expect, it } from '@jest/globals';
import { assertPointId, pointIdToUuid, uuidToPointId } from '../src/point-id.ts';

describe('point id ↔ UUID mapping', () => {
  it('puts the 64 bits in the low half of the UUID and maps back exactly', () => {
    expect(pointIdToUuid('0')).toBe('00000000-0000-0000-0000-000000000000');
    expect(pointIdToUuid('1')).toBe('00000000-0000-0000-0000-000000000001');
    expect(pointIdToUuid('9223372036854775807')).toBe('00000000-0000-0000-7fff-ffffffffffff');
    expect(pointIdToUuid('18446744073709551615')).toBe('00000000-0000-0000-ffff-ffffffffffff');
    for (const id of ['0', '42', '9007199254740993', '9223372036854775807', '18446744073709551615']) {
      expect(uuidToPointId(pointIdToUuid(id))).toBe(id);
    }
    expect(uuidToPointId('00000000-0000-0000-7FFF-FFFFFFFFFFFF')).toBe('9223372036854775807');
  });

  it('refuses what is not a canonical unsigned 64-bit decimal, or not one of its UUIDs', () => {
    for (const bad of ['', '-1', '01', '1e3', ' 1', '18446744073709551616', '0x10']) {
      expect(() => assertPointId(bad)).toThrow(RangeError);
    }
    expect(() => uuidToPointId('123e4567-e89b-12d3-a456-426614174000')).toThrow(RangeError);
  });
});
