// Redis stores counters as strings and accepts only the canonical decimal form of a signed 64-bit
// integer: no sign on positives, no leading zeros, no spaces ("007", "+5", "1.0" and "-0" are rejected).
// The in-memory store follows the same rules, with BigInt so that overflow happens where Redis's does.
import { NotIntegerError } from './errors.ts';

const CANONICAL_INTEGER = /^(0|-?[1-9][0-9]{0,19})$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function parseInt64(text: string): bigint | null {
  if (!CANONICAL_INTEGER.test(text)) return null;
  const value = BigInt(text);
  return value < INT64_MIN || value > INT64_MAX ? null : value;
}

/** Adds `by` to a stored counter (undefined counts as 0) and returns the new value as Redis would. */
export function incrementInteger(current: string | undefined, by: number, notIntegerMessage: string): bigint {
  const value = current === undefined ? 0n : parseInt64(current);
  if (value === null) throw new NotIntegerError(notIntegerMessage);
  const next = value + BigInt(by);
  if (next < INT64_MIN || next > INT64_MAX) throw new NotIntegerError('increment or decrement would overflow');
  return next;
}
