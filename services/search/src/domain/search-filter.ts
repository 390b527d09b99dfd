// The payload filter of a search request: by author, and by creation time (epoch ms, so that Qdrant's
// range condition applies). `since` is inclusive and `until` exclusive, so consecutive windows neither
// overlap nor leave a gap.
import type { Condition, Filter } from '@scalegram/vector/port';

export interface SearchScope {
  authorId?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
}

export function searchFilter(scope: SearchScope): Filter | undefined {
  const must: Condition[] = [];
  if (scope.authorId !== undefined) must.push({ key: 'authorId', match: { value: scope.authorId } });
  const range: { gte?: number; lt?: number } = {};
  if (scope.since !== undefined) range.gte = Date.parse(scope.since);
  if (scope.until !== undefined) range.lt = Date.parse(scope.until);
  if (range.gte !== undefined || range.lt !== undefined) must.push({ key: 'createdAt', range });
  return must.length === 0 ? undefined : { must };
}
