// 64-bit ids travel as decimal strings: a JavaScript number holds only 53 bits exactly.
import Type from 'typebox';

export const ID_PATTERN = '^(0|[1-9][0-9]{0,18})$';
const UINT63_MAX = (1n << 63n) - 1n;

/** A 64-bit (non-negative, signed-63-bit safe) identifier, serialized as a decimal string. */
export const Id = Type.String({
  pattern: ID_PATTERN,
  description: '64-bit id as a decimal string',
  examples: ['7308582497510236161'],
});
export type Id = Type.Static<typeof Id>;

export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });

export function isId(value: string): boolean {
  return new RegExp(ID_PATTERN).test(value) && BigInt(value) <= UINT63_MAX;
}

export function idToString(id: bigint): string {
  if (id < 0n || id > UINT63_MAX) throw new RangeError(`id out of range: ${id}`);
  return id.toString(10);
}

export function parseId(value: string): bigint {
  if (!isId(value)) throw new RangeError(`not a 64-bit id: ${JSON.stringify(value)}`);
  return BigInt(value);
}
