// Evaluates a port Filter against one payload, in process, with Qdrant's semantics so that the
// embedded index answers exactly what Qdrant would:
//   - a dotted key walks into nested objects ("author.id");
//   - an array value matches when any element matches;
//   - match compares by strict equality and type (the string "5" does not match the integer 5);
//   - range applies to numbers only;
//   - a missing field satisfies no condition, so it passes every mustNot.
import type { Condition, Filter } from '../port.ts';

function valuesAt(payload: Record<string, unknown>, key: string): unknown[] {
  let current: unknown[] = [payload];
  for (const part of key.split('.')) {
    const next: unknown[] = [];
    for (const value of current) {
      // Qdrant also walks through arrays of objects on the way down ("comments.author").
      const containers = Array.isArray(value) ? value : [value];
      for (const container of containers) {
        if (typeof container === 'object' && container !== null && part in container) {
          next.push((container as Record<string, unknown>)[part]);
        }
      }
    }
    current = next;
  }
  return current.flatMap((value) => (Array.isArray(value) ? value : [value]));
}

function holds(condition: Condition, payload: Record<string, unknown>): boolean {
  const values = valuesAt(payload, condition.key);
  if ('match' in condition) {
    const match = condition.match;
    const accepted: readonly unknown[] = 'any' in match ? match.any : [match.value];
    return values.some((value) => accepted.includes(value));
  }
  const { gt, gte, lt, lte } = condition.range;
  return values.some(
    (value) =>
      typeof value === 'number' &&
      (gt === undefined || value > gt) &&
      (gte === undefined || value >= gte) &&
      (lt === undefined || value < lt) &&
      (lte === undefined || value <= lte),
  );
}

export function matchesFilter(filter: Filter | undefined, payload: Record<string, unknown>): boolean {
  if (filter === undefined) return true;
  for (const condition of filter.must ?? []) if (!holds(condition, payload)) return false;
  for (const condition of filter.mustNot ?? []) if (holds(condition, payload)) return false;
  return true;
}
