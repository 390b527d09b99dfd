// The embedded vector index: exact brute-force cosine search in process, no server needed.
//
// Vectors are normalised once on upsert, so cosine similarity is a plain dot product, and a query scans
// every row: O(n·d) per query (n points, d dimensions) plus O(n log k) to keep the best k. That is
// exact (recall 1.0, unlike an approximate HNSW index) and fast enough for a laptop demo: 10k posts ×
// 384 dimensions is ~4 M multiply-adds, a few milliseconds. It stops being reasonable around a few hundred
// thousand points, where a query costs tens of milliseconds of a single-threaded event loop and the
// whole index must fit in memory (n·d·4 bytes) — then switch to Qdrant (docs/adr/0013-*).
//
// With a `directory`, every collection is snapshotted to `<directory>/<name>.sgvec` (debounced after
// writes, and on close) and loaded again on open, so `npm start` keeps its index across restarts.
// Aliases live in `<directory>/aliases.json`, rewritten (atomically) on every change: they change
// rarely and a switch must survive a crash. One process per directory.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConflictError, NotFoundError } from '@scalegram/contracts/errors';
import { DenseCollection } from './embedded/dense-collection.ts';
import { matchesFilter } from './embedded/payload-filter.ts';
import {
  encodeSnapshot,
  loadSnapshots,
  removeSnapshot,
  snapshotPath,
  writeSnapshotAtomically,
} from './embedded/snapshot-file.ts';
import { SnapshotScheduler } from './embedded/snapshot-scheduler.ts';
import { TopK } from './embedded/top-k.ts';
import {
  assertCollectionName,
  assertDimension,
  assertFilter,
  assertPayload,
  assertPayloadIndexes,
  assertRecommendQuery,
  assertSearchQuery,
  assertVector,
} from './input-checks.ts';
import { assertPointId } from './point-id.ts';
import type { Filter, PointInput, ScoredPoint, StoredPoint, VectorIndex } from './port.ts';
import { dotAt, normalized, normalizeInPlace } from './vector-math.ts';

export interface EmbeddedIndexOptions {
  /** Where snapshots live; undefined keeps the index in memory only. */
  directory?: string;
  /** How long after a write the snapshot is taken, so that bursts of writes share one file write. */
  snapshotDelayMs?: number;
}

interface Scan {
  query: Float32Array;
  limit: number;
  filter: Filter | undefined;
  scoreThreshold: number | undefined;
  exclude?: ReadonlySet<string>;
}

/** JSON round trip: the stored payload is what Qdrant would store (no undefined, Dates as strings, no aliasing). */
function jsonCopy(payload: Record<string, unknown>): Record<string, unknown> {
  assertPayload(payload);
  return JSON.parse(JSON.stringify(payload)) as Record<string, unknown>;
}

const ALIASES_FILE = 'aliases.json';

async function loadAliases(directory: string): Promise<Map<string, string>> {
  try {
    const parsed = JSON.parse(await readFile(join(directory, ALIASES_FILE), 'utf8')) as Record<string, string>;
    return new Map(Object.entries(parsed));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
}

export async function createEmbeddedIndex(options: EmbeddedIndexOptions = {}): Promise<VectorIndex> {
  const { directory, snapshotDelayMs = 250 } = options;
  let collections = new Map<string, DenseCollection>();
  let aliases = new Map<string, string>();
  if (directory !== undefined) {
    await mkdir(directory, { recursive: true });
    collections = await loadSnapshots(directory);
    aliases = await loadAliases(directory);
  }
  const snapshots =
    directory === undefined
      ? undefined
      : new SnapshotScheduler(
          {
            encode: (name) => {
              const collection = collections.get(name);
              return collection === undefined ? undefined : encodeSnapshot(collection);
            },
            write: (name, bytes) => writeSnapshotAtomically(snapshotPath(directory, name), bytes),
            remove: (name) => removeSnapshot(snapshotPath(directory, name)),
          },
          snapshotDelayMs,
        );
  let closed = false;
  // Alias files are written one after the other, each with the map as it is then, so the last change wins.
  let aliasWrites: Promise<void> = Promise.resolve();

  function persistAliases(): Promise<void> {
    if (directory === undefined) return Promise.resolve();
    const write = () =>
      writeSnapshotAtomically(join(directory, ALIASES_FILE), Buffer.from(JSON.stringify(Object.fromEntries(aliases))));
    aliasWrites = aliasWrites.then(write, write);
    return aliasWrites;
  }

  function assertOpen(): void {
    if (closed) throw new Error('the embedded vector index is closed');
  }

  /** The collection a name (or an alias) designates, with its real name (the one snapshots use). */
  function resolve(nameOrAlias: string): { name: string; collection: DenseCollection } {
    assertOpen();
    assertCollectionName(nameOrAlias);
    const name = aliases.get(nameOrAlias) ?? nameOrAlias;
    const collection = collections.get(name);
    if (collection === undefined) throw new NotFoundError(`collection ${nameOrAlias} does not exist`);
    return { name, collection };
  }

  function collectionOf(nameOrAlias: string): DenseCollection {
    return resolve(nameOrAlias).collection;
  }

  function scan(collection: DenseCollection, { query, limit, filter, scoreThreshold, exclude }: Scan): ScoredPoint[] {
    const top = new TopK(limit);
    const { matrix, dimension } = collection;
    for (let slot = 0; slot < collection.size; slot++) {
      const score = dotAt(query, matrix, slot * dimension);
      // Cheap rejections first: most points are not among the best k, and the score is already known.
      if (score <= top.threshold) continue;
      if (scoreThreshold !== undefined && score < scoreThreshold) continue;
      if (exclude?.has(collection.idAt(slot))) continue;
      if (!matchesFilter(filter, collection.payloadAt(slot))) continue;
      top.offer(slot, score);
    }
    return top.sorted().map(({ slot, score }) => ({
      id: collection.idAt(slot),
      score,
      payload: structuredClone(collection.payloadAt(slot)),
    }));
  }

  function meanOfPoints(collection: DenseCollection, ids: string[]): Float32Array {
    const mean = new Float32Array(collection.dimension);
    for (const id of ids) {
      const slot = collection.slotOf(id);
      if (slot === undefined) throw new NotFoundError(`point ${id} does not exist`);
      const row = collection.rowAt(slot);
      for (let i = 0; i < mean.length; i++) mean[i]! += row[i]! / ids.length;
    }
    return mean;
  }

  return {
    // payloadIndexes need no work here: every query scans every payload anyway.
    async ensureCollection(name, { dimension, distance, payloadIndexes }) {
      assertOpen();
      assertCollectionName(name);
      assertDimension(dimension);
      assertPayloadIndexes(payloadIndexes);
      if (distance !== 'cosine') throw new RangeError(`unsupported distance ${String(distance)}`);
      if (aliases.has(name)) throw new ConflictError(`${name} is an alias, not a collection`);
      const existing = collections.get(name);
      if (existing !== undefined) {
        if (existing.dimension !== dimension) {
          throw new ConflictError(`collection ${name} exists with dimension ${existing.dimension}, not ${dimension}`);
        }
        return;
      }
      collections.set(name, new DenseCollection(dimension));
      snapshots?.markDirty(name);
    },

    async deleteCollection(name) {
      assertOpen();
      assertCollectionName(name);
      if (!collections.delete(name)) return;
      snapshots?.markDirty(name);
      const orphaned = [...aliases].filter(([, target]) => target === name).map(([alias]) => alias);
      for (const alias of orphaned) aliases.delete(alias);
      if (orphaned.length > 0) await persistAliases();
    },

    async setAlias(alias, collection) {
      assertOpen();
      assertCollectionName(alias);
      assertCollectionName(collection);
      if (!collections.has(collection)) throw new NotFoundError(`collection ${collection} does not exist`);
      if (collections.has(alias)) throw new ConflictError(`a collection is named ${alias}`);
      aliases.set(alias, collection);
      await persistAliases();
    },

    async deleteAlias(alias) {
      assertOpen();
      assertCollectionName(alias);
      if (aliases.delete(alias)) await persistAliases();
    },

    async resolveAlias(alias) {
      assertOpen();
      assertCollectionName(alias);
      return aliases.get(alias);
    },

    async upsert(nameOrAlias, points: PointInput[]) {
      const { name, collection } = resolve(nameOrAlias);
      // Check the whole batch before changing anything: a bad point rejects the call, not half of it.
      const prepared = points.map(({ id, vector, payload }) => {
        assertPointId(id);
        assertVector(vector, collection.dimension);
        return { id, vector: normalized(vector), payload: jsonCopy(payload) };
      });
      for (const { id, vector, payload } of prepared) collection.put(id, vector, payload);
      snapshots?.markDirty(name);
    },

    async delete(nameOrAlias, ids) {
      const { name, collection } = resolve(nameOrAlias);
      for (const id of ids) assertPointId(id);
      let changed = false;
      for (const id of ids) changed = collection.remove(id) || changed;
      if (changed) snapshots?.markDirty(name);
    },

    async search(name, query) {
      const collection = collectionOf(name);
      assertSearchQuery(query);
      assertVector(query.vector, collection.dimension);
      return scan(collection, {
        query: normalized(query.vector),
        limit: query.limit,
        filter: query.filter,
        scoreThreshold: query.scoreThreshold,
      });
    },

    async recommend(name, query) {
      const collection = collectionOf(name);
      assertRecommendQuery(query);
      const negative = query.negative ?? [];
      for (const id of [...query.positive, ...negative]) assertPointId(id);
      // Qdrant's average_vector strategy: avg(positive) + (avg(positive) − avg(negative)).
      const target = meanOfPoints(collection, query.positive);
      if (negative.length > 0) {
        const away = meanOfPoints(collection, negative);
        for (let i = 0; i < target.length; i++) target[i] = 2 * target[i]! - away[i]!;
      }
      normalizeInPlace(target);
      return scan(collection, {
        query: target,
        limit: query.limit,
        filter: query.filter,
        scoreThreshold: undefined,
        exclude: new Set([...query.positive, ...negative]),
      });
    },

    async count(name, filter) {
      const collection = collectionOf(name);
      assertFilter(filter);
      if (filter === undefined) return collection.size;
      let count = 0;
      for (let slot = 0; slot < collection.size; slot++) if (matchesFilter(filter, collection.payloadAt(slot))) count++;
      return count;
    },

    async get(name, ids): Promise<StoredPoint[]> {
      const collection = collectionOf(name);
      for (const id of ids) assertPointId(id);
      const points: StoredPoint[] = [];
      for (const id of new Set(ids)) {
        const slot = collection.slotOf(id);
        if (slot !== undefined) points.push({ id, payload: structuredClone(collection.payloadAt(slot)) });
      }
      return points;
    },

    async close() {
      if (closed) return;
      closed = true;
      await snapshots?.flush();
      await aliasWrites;
    },
  };
}
