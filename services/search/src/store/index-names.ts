// The names the search index lives under (ADR 0026). Readers and writers use the alias `live`; during a
// re-index writers also use `next`; the collections behind them are named after the embedder that
// filled them, so a service configured with another embedder can tell, and refuse to mix vectors.
const UNSAFE = /[^A-Za-z0-9_-]+/g;

export interface IndexNames {
  /** The alias every search and every write goes through, e.g. `posts`. */
  live: string;
  /** The alias of the collection a re-index is filling, e.g. `posts-next`; absent otherwise. */
  next: string;
  /** The collection of deleted post ids, e.g. `posts-tombstones` (never rebuilt). */
  tombstones: string;
}

export function indexNames(alias: string): IndexNames {
  return { live: alias, next: `${alias}-next`, tombstones: `${alias}-tombstones` };
}

/** `posts--hashing-v1-384--`: every collection this embedder fills under this alias starts with it. */
export function collectionPrefix(alias: string, embedderName: string): string {
  return `${alias}--${embedderName.replace(UNSAFE, '_').slice(0, 60)}--`;
}

/** The collection a first start creates: the same name on every replica, so they converge on one. */
export function initialCollection(alias: string, embedderName: string): string {
  return `${collectionPrefix(alias, embedderName)}initial`;
}

/** A fresh collection for a re-index. */
export function rebuildCollection(alias: string, embedderName: string, now = new Date()): string {
  return `${collectionPrefix(alias, embedderName)}${now.getTime()}`;
}
