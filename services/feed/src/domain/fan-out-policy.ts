// Who receives a new post's id (ADR 0036). Below the threshold, every follower (fan-out on write); above
// it, nobody but the author: followers merge the author's recent posts when they read. Once an author has
// been a celebrity the feed keeps merging their posts at read time, even if they drop back below.

export function isCelebrity(followerCount: number, threshold: number): boolean {
  return followerCount > threshold;
}

/** Splits targets into batches of at most `size`, in order. */
export function batches<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}
