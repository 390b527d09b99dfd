// Shared checks for `list()`, run eagerly (before the first `next()`) by both adapters.
import { InvalidInputError } from '@scalegram/contracts/errors';
import { assertValidKey, assertValidPrefix } from './object-key.ts';
import type { ListOptions } from './port.ts';

/** Validates the arguments and returns the effective limit (Infinity when none was given). */
export function checkListArguments(prefix: string, options: ListOptions): number {
  assertValidPrefix(prefix);
  if (options.startAfter !== undefined) assertValidKey(options.startAfter);
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  if (limit !== Number.POSITIVE_INFINITY && (!Number.isInteger(limit) || limit < 1)) {
    throw new InvalidInputError('limit must be a positive integer', { code: 'invalid-limit' });
  }
  return limit;
}
