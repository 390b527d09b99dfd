// Point ids. Scalegram ids are 64-bit integers carried as decimal strings (a JavaScript number holds
// only 53 bits, and JSON would silently round a bigger one). Qdrant accepts as point id either an
// unsigned integer, which would travel as a JSON number and get rounded, or a UUID string. So each id
// is mapped to a UUID whose high 64 bits are zero and whose low 64 bits are the id: deterministic,
// reversible, and readable in Qdrant's dashboard ("00000000-0000-0000-7fff-ffffffffffff").

const UINT64_MAX = (1n << 64n) - 1n;
const CANONICAL_DECIMAL = /^(0|[1-9][0-9]{0,19})$/;
const ID_UUID = /^00000000-0000-0000-([0-9a-f]{4})-([0-9a-f]{12})$/;

/** Checks that `id` is a canonical decimal string of an unsigned 64-bit integer; RangeError otherwise. */
export function assertPointId(id: string): void {
  if (typeof id !== 'string' || !CANONICAL_DECIMAL.test(id) || BigInt(id) > UINT64_MAX) {
    throw new RangeError(`point id must be an unsigned 64-bit integer as a decimal string, got ${JSON.stringify(id)}`);
  }
}

/** "9223372036854775807" → "00000000-0000-0000-7fff-ffffffffffff". */
export function pointIdToUuid(id: string): string {
  assertPointId(id);
  const hex = BigInt(id).toString(16).padStart(16, '0');
  return `00000000-0000-0000-${hex.slice(0, 4)}-${hex.slice(4)}`;
}

/** The inverse of pointIdToUuid. Qdrant answers UUIDs in lowercase hyphenated form. */
export function uuidToPointId(uuid: string): string {
  const match = ID_UUID.exec(uuid.toLowerCase());
  if (!match) throw new RangeError(`not a Scalegram point UUID: ${JSON.stringify(uuid)}`);
  return BigInt(`0x${match[1]}${match[2]}`).toString(10);
}
