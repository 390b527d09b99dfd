// The shared Id schema admits every 1–19 digit string, but Postgres' bigint (and the shard bits) stop at
// 2^63 - 1. A request naming a larger id gets a 400 like any other schema violation, never a 500.
import { isId } from '@scalegram/contracts/ids';
import { HttpProblem } from '@scalegram/kit/http-problem';

export function assertStorableIds(values: Record<string, string | readonly string[] | undefined>): void {
  for (const [field, value] of Object.entries(values)) {
    const list = typeof value === 'string' ? [value] : (value ?? []);
    list.forEach((id, index) => {
      if (isId(id)) return;
      const path = typeof value === 'string' ? field : `${field}/${index}`;
      throw new HttpProblem(400, 'validation-failed', 'Request validation failed', {
        detail: `${path} is larger than a 64-bit id`,
        extra: { errors: [{ field: path, message: 'must be at most 9223372036854775807' }] },
      });
    });
  }
}
