// Errors that mirror Redis's own: both adapters raise them for the same misuse, so callers can rely on
// them whichever adapter is configured. Connection problems are `UnavailableError` from contracts.

/** The key holds another kind of value (Redis `WRONGTYPE`), e.g. `hget` on a string. */
export class WrongTypeError extends Error {
  override name = 'WrongTypeError';
  readonly code = 'kv-wrong-type';
}

/** `incrBy`/`hincrBy` on a value that is not a 64-bit integer, or an increment that would overflow it. */
export class NotIntegerError extends Error {
  override name = 'NotIntegerError';
  readonly code = 'kv-not-integer';
}
