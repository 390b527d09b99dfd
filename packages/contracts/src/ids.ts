// 64-bit ids travel as decimal strings: a JavaScript number holds only 53 bits exactly.
// Every id is stored in a Postgres `bigint`, so the schema admits exactly 0 … 2^63 − 1: a larger value
// is a 400 at validation, never a database error (and the OpenAPI document says so).
import Type from 'typebox';

const UINT63_MAX = (1n << 63n) - 1n;

/**
 * A regular expression source matching the canonical decimals 0 … `max` (no sign, no leading zero):
 * every shorter length, then for each digit of `max` the same prefix with a smaller digit and any tail.
 */
export function decimalRangePattern(max: bigint): string {
  const digits = max.toString(10);
  const branches = ['0'];
  if (digits.length === 2) branches.push('[1-9]');
  if (digits.length > 2) branches.push(`[1-9][0-9]{0,${digits.length - 2}}`);
  for (let index = 0; index < digits.length; index += 1) {
    const digit = Number(digits[index]);
    const lowest = index === 0 ? 1 : 0;
    if (digit <= lowest) continue;
    const rest = digits.length - index - 1;
    const range = digit - 1 === lowest ? String(lowest) : `[${lowest}-${digit - 1}]`;
    branches.push(`${digits.slice(0, index)}${range}${rest > 0 ? `[0-9]{${rest}}` : ''}`);
  }
  if (max > 0n) branches.push(digits);
  return `^(${branches.join('|')})$`;
}

export const ID_PATTERN = decimalRangePattern(UINT63_MAX);
const ID_REGEXP = new RegExp(ID_PATTERN);

/** A 64-bit (non-negative, at most 2^63 − 1) identifier, serialized as a decimal string. */
export const Id = Type.String({
  pattern: ID_PATTERN,
  description: '64-bit id as a decimal string (0 … 9223372036854775807)',
  examples: ['7308582497510236161'],
});
export type Id = Type.Static<typeof Id>;

export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });

export function isId(value: string): boolean {
  return ID_REGEXP.test(value);
}

export function idToString(id: bigint): string {
  if (id < 0n || id > UINT63_MAX) throw new RangeError(`id out of range: ${id}`);
  return id.toString(10);
}

export function parseId(value: string): bigint {
  if (!isId(value)) throw new RangeError(`not a 64-bit id: ${JSON.stringify(value)}`);
  return BigInt(value);
}
