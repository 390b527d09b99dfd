// Read-time merge of the hybrid fan-out (ADR 0036): the reader's stored timeline plus the recent posts of
// the celebrities they follow, each list newest first, merged newest first without duplicates (a post can
// be in both: the author's own, or one fanned out before its author crossed the threshold).

/** Members newest first (descending byte order), de-duplicated, at most `limit`. */
export function mergeNewestFirst(lists: readonly (readonly string[])[], limit: number): string[] {
  const all = new Set<string>();
  for (const list of lists) for (const member of list) all.add(member);
  return [...all].sort(descending).slice(0, limit);
}

function descending(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}
