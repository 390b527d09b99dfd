// The shared Id schema admits every 1–19 digit string, but Postgres' bigint stops at 2^63 - 1. An id
// beyond it gets the same 400 as any other schema violation, never a database error.
import { isId } from '@scalegram/contracts/ids';
import { HttpProblem } from '@scalegram/kit/http-problem';

export function assertStorableId(value: string, field: string): void {
  if (isId(value)) return;
  throw new HttpProblem(400, 'validation-failed', 'Request validation failed', {
    detail: `${field} is larger than a 64-bit id`,
    extra: { errors: [{ field, message: 'must be at most 9223372036854775807' }] },
  });
}
