// The port's Filter in Qdrant's REST syntax. The port was modelled on Qdrant's, so this is a rename
// (mustNot → must_not) and a copy; it exists so that the port does not leak Qdrant's types to services.
// https://qdrant.tech/documentation/concepts/filtering/
import type { Schemas } from '@qdrant/js-client-rest';
import type { Condition, Filter } from '../port.ts';

function toFieldCondition(condition: Condition): Schemas['FieldCondition'] {
  if ('range' in condition) {
    const { gt, gte, lt, lte } = condition.range;
    return { key: condition.key, range: { gt, gte, lt, lte } };
  }
  const match = condition.match;
  return { key: condition.key, match: 'any' in match ? { any: match.any } : { value: match.value } };
}

export function toQdrantFilter(filter: Filter | undefined): Schemas['Filter'] | undefined {
  if (filter === undefined) return undefined;
  const out: Schemas['Filter'] = {};
  if (filter.must?.length) out.must = filter.must.map(toFieldCondition);
  if (filter.mustNot?.length) out.must_not = filter.mustNot.map(toFieldCondition);
  return out;
}
