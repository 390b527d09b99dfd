// The Vector DB port: what the search service needs from a vector database, and nothing more.
// Two adapters implement it (Qdrant in production, an in-process brute-force index on a laptop) and
// one contract suite (test/contract/vector-contract.ts) holds them to the same behaviour.
//
// Errors every adapter raises (from @scalegram/contracts/errors):
//   NotFoundError    the collection does not exist (or a recommend example id is not in it)
//   ConflictError    ensureCollection on an existing collection with a different dimension
//   UnavailableError the server cannot be reached, timed out or is overloaded
//   RangeError       bad input: an id that is not an unsigned 64-bit decimal, a vector of the wrong
//                    dimension or with non-finite values, a malformed collection name or filter

/** Only cosine similarity is offered: embedders here produce L2-normalised vectors, where it is the norm. */
export type Distance = 'cosine';

/** How a payload field is indexed for filtering: strings matched exactly, integers, floats or booleans. */
export type PayloadIndexType = 'keyword' | 'integer' | 'float' | 'bool';

export interface CollectionOptions {
  dimension: number;
  distance: Distance;
  /**
   * Payload fields the services filter on, e.g. { authorId: 'keyword', createdAt: 'integer' }. Qdrant
   * builds an index per field (filtered search stays fast, and Qdrant's strict mode refuses filters on
   * unindexed fields); the embedded index scans every payload anyway and needs none. Idempotent.
   */
  payloadIndexes?: Record<string, PayloadIndexType>;
}

/** A scalar payload value a condition can compare with. Numbers in `match` must be integers (Qdrant matches integers and keywords, not floats). */
export type MatchValue = string | number | boolean;

export type Condition =
  | { key: string; match: { value: MatchValue } }
  | { key: string; match: { any: string[] | number[] } }
  | { key: string; range: { gt?: number; gte?: number; lt?: number; lte?: number } };

/**
 * A payload filter. `must`: every condition holds; `mustNot`: no condition holds.
 * `key` may be a dotted path into nested objects. When the payload value is an array, a condition
 * holds if it holds for any element (Qdrant's semantics). A missing field satisfies no condition.
 */
export interface Filter {
  must?: Condition[];
  mustNot?: Condition[];
}

export interface PointInput {
  /** An unsigned 64-bit integer as a canonical decimal string, e.g. a post id "9223372036854775807". */
  id: string;
  vector: number[] | Float32Array;
  /** JSON data stored with the point; replaced as a whole on upsert. */
  payload: Record<string, unknown>;
}

export interface SearchQuery {
  vector: number[] | Float32Array;
  limit: number;
  filter?: Filter;
  /** Only return points whose score is at least this. */
  scoreThreshold?: number;
}

export interface RecommendQuery {
  /** Ids of points to find more of ("posts like these"). At least one. */
  positive: string[];
  /** Ids of points to steer away from. */
  negative?: string[];
  limit: number;
  filter?: Filter;
}

export interface ScoredPoint {
  id: string;
  /** Cosine similarity with the query, in [-1, 1]; 1 for an identical direction. */
  score: number;
  payload: Record<string, unknown>;
}

export interface StoredPoint {
  id: string;
  payload: Record<string, unknown>;
}

export interface VectorIndex {
  /** Creates the collection, or does nothing if it exists with the same dimension (ConflictError otherwise). */
  ensureCollection(name: string, options: CollectionOptions): Promise<void>;
  /** Removes the collection and all its points; does nothing if it does not exist. Delete or re-point its aliases first. */
  deleteCollection(name: string): Promise<void>;
  /** Inserts or replaces points (vector and whole payload). Visible to reads once the promise resolves. */
  upsert(collection: string, points: PointInput[]): Promise<void>;
  /** Removes points; ids that are not there are ignored. */
  delete(collection: string, ids: string[]): Promise<void>;
  /** The `limit` nearest points to `vector` that pass the filter, best first. */
  search(collection: string, query: SearchQuery): Promise<ScoredPoint[]>;
  /**
   * "More like these": searches with avg(positive) + (avg(positive) − avg(negative)) (Qdrant's
   * average_vector strategy; just avg(positive) without negatives), excluding the example ids themselves.
   */
  recommend(collection: string, query: RecommendQuery): Promise<ScoredPoint[]>;
  /** Number of points, or of points passing the filter (exact). */
  count(collection: string, filter?: Filter): Promise<number>;
  /** The points that exist among `ids`, in the order asked for; missing ids are left out. */
  get(collection: string, ids: string[]): Promise<StoredPoint[]>;
  /**
   * Points `alias` at `collection`, atomically replacing whatever it pointed at before. Every method
   * that takes a collection name also takes an alias and reaches the collection it points at, so a
   * service can rebuild a collection beside the live one and switch readers and writers over in one
   * step (Qdrant's collection aliases). NotFoundError if `collection` does not exist; ConflictError if
   * a collection is named `alias`.
   */
  setAlias(alias: string, collection: string): Promise<void>;
  /** Removes the alias, not its collection; does nothing if it does not exist. */
  deleteAlias(alias: string): Promise<void>;
  /** The collection `alias` points at, or undefined when there is no such alias. */
  resolveAlias(alias: string): Promise<string | undefined>;
  /** Releases connections; the embedded index writes its last snapshot first. */
  close(): Promise<void>;
}
