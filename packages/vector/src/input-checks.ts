// Argument checks shared by both adapters, so that bad input fails the same way (RangeError) whether
// the index is in process or behind Qdrant's HTTP API, and before anything is sent or changed.
import type { Condition, Filter, PayloadIndexType, RecommendQuery, SearchQuery } from './port.ts';

// Safe as a Qdrant collection name and as a file name on every OS the embedded index runs on.
const COLLECTION_NAME = /^[A-Za-z0-9_-]{1,128}$/;
const MAX_DIMENSION = 65_536; // Qdrant's limit for a dense vector

/** Payload key where the Qdrant adapter keeps the original decimal id; no adapter lets a caller set it. */
export const RESERVED_PAYLOAD_KEY = '_scalegram_id';

export function assertCollectionName(name: string): void {
  if (typeof name !== 'string' || !COLLECTION_NAME.test(name)) {
    throw new RangeError(`collection name must match ${COLLECTION_NAME}, got ${JSON.stringify(name)}`);
  }
}

export function assertDimension(dimension: number): void {
  if (!Number.isInteger(dimension) || dimension < 1 || dimension > MAX_DIMENSION) {
    throw new RangeError(`dimension must be an integer in [1, ${MAX_DIMENSION}], got ${dimension}`);
  }
}

/** Checks the length (when known) and that every component is finite: NaN would poison every score. */
export function assertVector(vector: number[] | Float32Array, dimension?: number): void {
  if (!Array.isArray(vector) && !(vector instanceof Float32Array)) {
    throw new RangeError('vector must be a number[] or a Float32Array');
  }
  if (dimension !== undefined && vector.length !== dimension) {
    throw new RangeError(`vector dimension error: expected ${dimension}, got ${vector.length}`);
  }
  for (const value of vector) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new RangeError('vector components must be finite numbers');
    }
  }
}

const PAYLOAD_INDEX_TYPES = new Set<string>(['keyword', 'integer', 'float', 'bool']);

export function assertPayloadIndexes(indexes: Record<string, PayloadIndexType> | undefined): void {
  for (const [field, type] of Object.entries(indexes ?? {})) {
    if (field === '' || !PAYLOAD_INDEX_TYPES.has(type)) {
      throw new RangeError(
        `payload index ${JSON.stringify(field)} needs a type of ${[...PAYLOAD_INDEX_TYPES].join(', ')}`,
      );
    }
  }
}

export function assertPayload(payload: Record<string, unknown>): void {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new RangeError('payload must be a JSON object');
  }
  if (RESERVED_PAYLOAD_KEY in payload) throw new RangeError(`payload key ${RESERVED_PAYLOAD_KEY} is reserved`);
}

export function assertLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
}

function assertCondition(condition: Condition): void {
  if (typeof condition.key !== 'string' || condition.key === '') throw new RangeError('condition key must be a string');
  if ('match' in condition) {
    const match = condition.match as Record<string, unknown>;
    if ('value' in match) {
      const value = match.value;
      const ok = typeof value === 'string' || typeof value === 'boolean' || Number.isSafeInteger(value);
      if (!ok) throw new RangeError(`match value must be a string, boolean or integer (key ${condition.key})`);
    } else if ('any' in match && Array.isArray(match.any)) {
      const strings = match.any.every((v) => typeof v === 'string');
      const integers = match.any.every((v) => Number.isSafeInteger(v));
      if (!strings && !integers)
        throw new RangeError(`match any must be all strings or all integers (key ${condition.key})`);
    } else {
      throw new RangeError(`match needs "value" or "any" (key ${condition.key})`);
    }
    return;
  }
  if ('range' in condition && typeof condition.range === 'object' && condition.range !== null) {
    const bounds = Object.entries(condition.range);
    const known = new Set(['gt', 'gte', 'lt', 'lte']);
    if (bounds.length === 0 || bounds.some(([k, v]) => !known.has(k) || !Number.isFinite(v))) {
      throw new RangeError(`range needs finite gt/gte/lt/lte bounds (key ${condition.key})`);
    }
    return;
  }
  throw new RangeError(`condition needs "match" or "range" (key ${condition.key})`);
}

export function assertFilter(filter: Filter | undefined): void {
  if (filter === undefined) return;
  for (const condition of [...(filter.must ?? []), ...(filter.mustNot ?? [])]) assertCondition(condition);
}

export function assertSearchQuery(query: SearchQuery): void {
  assertLimit(query.limit);
  assertVector(query.vector);
  assertFilter(query.filter);
  if (query.scoreThreshold !== undefined && !Number.isFinite(query.scoreThreshold)) {
    throw new RangeError('scoreThreshold must be a finite number');
  }
}

export function assertRecommendQuery(query: RecommendQuery): void {
  assertLimit(query.limit);
  assertFilter(query.filter);
  if (!Array.isArray(query.positive) || query.positive.length === 0) {
    throw new RangeError('recommend needs at least one positive id');
  }
}
