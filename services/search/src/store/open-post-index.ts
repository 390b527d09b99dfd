// Makes sure the index exists before the service serves or consumes (ADR 0026): the tombstone collection,
// and the live alias pointing at a collection filled by the configured embedder. A first start creates
// the collection; a collection filled by another embedder stops the service (run the re-index).
import type { Embedder } from '@scalegram/vector/embedder';
import type { CollectionOptions, VectorIndex } from '@scalegram/vector/port';
import { collectionPrefix, type IndexNames, initialCollection } from './index-names.ts';

/** How the post collections are created: cosine over the embedder's vectors, filters on author and time. */
export function postCollectionOptions(embedder: Embedder): CollectionOptions {
  return {
    dimension: embedder.dimension,
    distance: 'cosine',
    payloadIndexes: { authorId: 'keyword', createdAt: 'integer' },
  };
}

/**
 * Tombstones are ids with a deletion time (indexed: the sweep filters on it); the one-dimensional vector is
 * only there because the port needs one.
 */
export const TOMBSTONE_OPTIONS: CollectionOptions = {
  dimension: 1,
  distance: 'cosine',
  payloadIndexes: { deletedAt: 'integer' },
};

export class EmbedderMismatchError extends Error {
  override name = 'EmbedderMismatchError';
}

/** Returns the collection the live alias points at. */
export async function openPostIndex(index: VectorIndex, embedder: Embedder, names: IndexNames): Promise<string> {
  await index.ensureCollection(names.tombstones, TOMBSTONE_OPTIONS);
  const current = await index.resolveAlias(names.live);
  if (current === undefined) {
    const collection = initialCollection(names.live, embedder.name);
    await index.ensureCollection(collection, postCollectionOptions(embedder));
    await index.setAlias(names.live, collection);
    return collection;
  }
  if (!current.startsWith(collectionPrefix(names.live, embedder.name))) {
    throw new EmbedderMismatchError(
      `The search index "${names.live}" is collection "${current}", which another embedder filled; the ` +
        `configured embedder is "${embedder.name}". Vectors of two embedders do not mix: run the re-index ` +
        '(pnpm --filter @scalegram/search-service reindex) with this configuration, then start the service.',
    );
  }
  // Idempotent; also adds payload indexes a collection created by an older version may lack.
  await index.ensureCollection(current, postCollectionOptions(embedder));
  return current;
}
