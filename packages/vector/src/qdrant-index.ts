// The production adapter: Qdrant through its REST API (@qdrant/js-client-rest).
//
// Mapping of the port onto Qdrant (https://api.qdrant.tech/):
//   ensureCollection  GET /collections/{name}/exists, then PUT /collections/{name} { vectors: { size,
//                     distance: "Cosine" } }, then PUT /collections/{name}/index per payload index
//   deleteCollection  DELETE /collections/{name}
//   upsert            PUT /collections/{name}/points?wait=true
//   delete            POST /collections/{name}/points/delete?wait=true
//   search            POST /collections/{name}/points/query { query: [..vector], filter, score_threshold, limit }
//   recommend         POST /collections/{name}/points (the examples must exist), then
//                     POST /collections/{name}/points/query { query: { recommend: { positive, negative,
//                     strategy: "average_vector" } }, filter: { must_not: [{ has_id: examples }] } }
//   count             POST /collections/{name}/points/count { filter, exact: true }
//   get               POST /collections/{name}/points { ids }
//   setAlias          GET /collections (the target must be a collection, the alias must not be one), then
//                     POST /collections/aliases { actions: [{ delete_alias }, { create_alias }] }: one
//                     request, which Qdrant applies atomically
//   deleteAlias       POST /collections/aliases { actions: [{ delete_alias }] }
//   resolveAlias      GET /aliases
// Writes pass wait=true so that a resolved upsert or delete is visible to the next read, which is what
// the contract suite (and the search service's "index, then query" flow) expects.
//
// Ids: every decimal id becomes a UUID (see point-id.ts); results are mapped back from the UUID. The
// original string is also stored in the payload under RESERVED_PAYLOAD_KEY, so that it can be read in
// Qdrant's dashboard and filtered on; the adapter removes it from the payloads it returns.
import { QdrantClient, type Schemas } from '@qdrant/js-client-rest';
import { ConflictError, NotFoundError } from '@scalegram/contracts/errors';
import {
  assertCollectionName,
  assertDimension,
  assertFilter,
  assertPayload,
  assertPayloadIndexes,
  assertRecommendQuery,
  assertSearchQuery,
  assertVector,
  RESERVED_PAYLOAD_KEY,
} from './input-checks.ts';
import { assertPointId, pointIdToUuid, uuidToPointId } from './point-id.ts';
import type { ScoredPoint, StoredPoint, VectorIndex } from './port.ts';
import { toPortError } from './qdrant/qdrant-errors.ts';
import { toQdrantFilter } from './qdrant/qdrant-filter.ts';

export interface QdrantIndexOptions {
  /** e.g. http://qdrant:6333 */
  url: string;
  apiKey?: string;
  /** Per-request timeout; a request that takes longer fails with UnavailableError. */
  timeoutMs?: number;
}

function toPayload(payload: Schemas['Payload'] | Record<string, unknown> | null | undefined): Record<string, unknown> {
  const { [RESERVED_PAYLOAD_KEY]: _original, ...rest } = (payload ?? {}) as Record<string, unknown>;
  return rest;
}

function toScored(points: Schemas['ScoredPoint'][]): ScoredPoint[] {
  return points.map((point) => ({
    id: uuidToPointId(String(point.id)),
    score: point.score,
    payload: toPayload(point.payload),
  }));
}

function vectorSizeOf(info: Schemas['CollectionInfo']): number | undefined {
  const vectors = info.config.params.vectors as { size?: unknown } | undefined;
  return typeof vectors?.size === 'number' ? vectors.size : undefined;
}

export function createQdrantIndex(options: QdrantIndexOptions): VectorIndex {
  const client = new QdrantClient({
    url: options.url,
    ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
    timeout: options.timeoutMs ?? 10_000,
    // The version check is a fire-and-forget request that only logs; services check readiness themselves.
    checkCompatibility: false,
  });

  async function call<T>(context: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toPortError(error, context);
    }
  }

  async function checkDimension(name: string, dimension: number): Promise<void> {
    const info = await call(`get collection ${name}`, () => client.getCollection(name));
    const existing = vectorSizeOf(info);
    if (existing !== dimension) {
      throw new ConflictError(`collection ${name} exists with dimension ${String(existing)}, not ${dimension}`);
    }
  }

  return {
    async ensureCollection(name, { dimension, distance, payloadIndexes = {} }) {
      assertCollectionName(name);
      assertDimension(dimension);
      assertPayloadIndexes(payloadIndexes);
      if (distance !== 'cosine') throw new RangeError(`unsupported distance ${String(distance)}`);
      const { exists } = await call(`check collection ${name}`, () => client.collectionExists(name));
      if (exists) {
        await checkDimension(name, dimension);
      } else {
        try {
          await call(`create collection ${name}`, () =>
            client.createCollection(name, { vectors: { size: dimension, distance: 'Cosine' } }),
          );
        } catch (error) {
          // Another replica created it between our check and our create: fine if it has our dimension.
          // (Qdrant answers 409 for an existing collection since 1.8; before, 400 "already exists".)
          const { exists: nowExists } = await call(`check collection ${name}`, () => client.collectionExists(name));
          if (!nowExists) throw error;
          await checkDimension(name, dimension);
        }
      }
      // Creating an index that already exists with the same type is accepted by Qdrant, so this is
      // idempotent too; wait=true so that the first filtered query after ensureCollection can use it.
      for (const [field, type] of Object.entries(payloadIndexes)) {
        await call(`index ${name}.${field}`, () =>
          client.createPayloadIndex(name, { field_name: field, field_schema: type, wait: true }),
        );
      }
    },

    async deleteCollection(name) {
      assertCollectionName(name);
      // Qdrant answers a missing collection with `result: false`, not an error (deletion is idempotent
      // by design, qdrant/qdrant#100); a 404 from some other version means the same thing.
      try {
        await call(`delete collection ${name}`, () => client.deleteCollection(name));
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
      }
    },

    async upsert(name, points) {
      assertCollectionName(name);
      for (const point of points) {
        assertPointId(point.id);
        assertVector(point.vector);
        assertPayload(point.payload);
      }
      if (points.length === 0) {
        await call(`get collection ${name}`, () => client.getCollection(name)); // missing → NotFoundError, like the embedded index
        return;
      }
      await call(`upsert into ${name}`, () =>
        client.upsert(name, {
          wait: true,
          points: points.map((point) => ({
            id: pointIdToUuid(point.id),
            vector: Array.from(point.vector),
            payload: { ...point.payload, [RESERVED_PAYLOAD_KEY]: point.id },
          })),
        }),
      );
    },

    async delete(name, ids) {
      assertCollectionName(name);
      const uuids = ids.map(pointIdToUuid);
      await call(`delete from ${name}`, () => client.delete(name, { wait: true, points: uuids }));
    },

    async search(name, query) {
      assertCollectionName(name);
      assertSearchQuery(query);
      const response = await call(`search ${name}`, () =>
        client.query(name, {
          query: Array.from(query.vector),
          filter: toQdrantFilter(query.filter),
          score_threshold: query.scoreThreshold,
          limit: query.limit,
          with_payload: true,
        }),
      );
      return toScored(response.points);
    },

    async recommend(name, query) {
      assertCollectionName(name);
      assertRecommendQuery(query);
      const positive = query.positive.map(pointIdToUuid);
      const negative = (query.negative ?? []).map(pointIdToUuid);
      const examples = [...new Set([...positive, ...negative])];
      // The Query API has been seen to silently drop example ids that do not exist (qdrant/qdrant#9390),
      // where the legacy recommend endpoint answered 404; check them first so that every version
      // behaves as the port says.
      const found = await call(`get examples from ${name}`, () =>
        client.retrieve(name, { ids: examples, with_payload: false, with_vector: false }),
      );
      const present = new Set(found.map((record) => String(record.id)));
      const missing = examples.find((uuid) => !present.has(uuid));
      if (missing !== undefined) throw new NotFoundError(`point ${uuidToPointId(missing)} does not exist in ${name}`);
      // Qdrant leaves the examples out of recommend results; the has_id condition makes that explicit.
      const filter = toQdrantFilter(query.filter) ?? {};
      const mustNot = Array.isArray(filter.must_not) ? filter.must_not : [];
      const response = await call(`recommend in ${name}`, () =>
        client.query(name, {
          query: { recommend: { positive, negative, strategy: 'average_vector' } },
          filter: { ...filter, must_not: [...mustNot, { has_id: examples }] },
          limit: query.limit,
          with_payload: true,
        }),
      );
      return toScored(response.points);
    },

    async count(name, filter) {
      assertCollectionName(name);
      assertFilter(filter);
      const result = await call(`count ${name}`, () =>
        client.count(name, { filter: toQdrantFilter(filter), exact: true }),
      );
      return result.count;
    },

    async get(name, ids): Promise<StoredPoint[]> {
      assertCollectionName(name);
      const wanted = [...new Set(ids)];
      const records = await call(`get from ${name}`, () =>
        client.retrieve(name, { ids: wanted.map(pointIdToUuid), with_payload: true, with_vector: false }),
      );
      // Qdrant does not promise the request's order; the port does.
      const byId = new Map(records.map((record) => [uuidToPointId(String(record.id)), record]));
      return wanted.flatMap((id) => {
        const record = byId.get(id);
        return record === undefined ? [] : [{ id, payload: toPayload(record.payload) }];
      });
    },

    async setAlias(alias, collection) {
      assertCollectionName(alias);
      assertCollectionName(collection);
      const { collections } = await call('list collections', () => client.getCollections());
      const names = new Set(collections.map((entry) => entry.name));
      if (!names.has(collection)) throw new NotFoundError(`collection ${collection} does not exist`);
      if (names.has(alias)) throw new ConflictError(`a collection is named ${alias}`);
      // delete_alias is a no-op for a missing alias ("delete alias if exists"), so one atomic request
      // both creates a new alias and switches an existing one.
      await call(`point alias ${alias} at ${collection}`, () =>
        client.updateCollectionAliases({
          actions: [
            { delete_alias: { alias_name: alias } },
            { create_alias: { alias_name: alias, collection_name: collection } },
          ],
        }),
      );
    },

    async deleteAlias(alias) {
      assertCollectionName(alias);
      await call(`delete alias ${alias}`, () =>
        client.updateCollectionAliases({ actions: [{ delete_alias: { alias_name: alias } }] }),
      );
    },

    async resolveAlias(alias) {
      assertCollectionName(alias);
      const { aliases } = await call('list aliases', () => client.getAliases());
      return aliases.find((entry) => entry.alias_name === alias)?.collection_name;
    },

    async close() {
      // The client keeps no state beyond undici's keep-alive pool, which lets idle sockets go on its own.
    },
  };
}
