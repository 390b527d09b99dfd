// The vector index and the embedder the configuration selects: Qdrant when QDRANT_URL is set, else the
// embedded index (under DATA_DIR, or in memory); the hashing embedder unless EMBEDDER=http.
import { join } from 'node:path';
import { createEmbeddedIndex } from '@scalegram/vector/embedded-index';
import type { Embedder } from '@scalegram/vector/embedder';
import { createHashingEmbedder } from '@scalegram/vector/hashing-embedder';
import { createHttpEmbedder } from '@scalegram/vector/http-embedder';
import type { VectorIndex } from '@scalegram/vector/port';
import { createQdrantIndex } from '@scalegram/vector/qdrant-index';
import type { SearchConfig } from '../config.ts';

export async function openVectorIndex(config: SearchConfig): Promise<VectorIndex> {
  if (config.QDRANT_URL !== undefined) {
    return createQdrantIndex({
      url: config.QDRANT_URL,
      timeoutMs: config.QDRANT_TIMEOUT_MS,
      ...(config.QDRANT_API_KEY === undefined ? {} : { apiKey: config.QDRANT_API_KEY }),
    });
  }
  // One process per directory: the re-index cannot open it while the service runs (see README).
  return createEmbeddedIndex(config.DATA_DIR === undefined ? {} : { directory: join(config.DATA_DIR, 'search-index') });
}

export interface OpenedEmbedder {
  embedder: Embedder;
  close(): Promise<void>;
}

export function openEmbedder(config: SearchConfig): OpenedEmbedder {
  if (config.EMBEDDER === 'hashing') {
    return { embedder: createHashingEmbedder({ dimension: config.EMBEDDER_DIMENSION }), close: async () => {} };
  }
  const embedder = createHttpEmbedder({
    url: config.EMBEDDER_URL!, // loadSearchConfig requires it with EMBEDDER=http
    protocol: config.EMBEDDER_PROTOCOL,
    dimension: config.EMBEDDER_DIMENSION,
    timeoutMs: config.EMBEDDER_TIMEOUT_MS,
    ...(config.EMBEDDER_MODEL === undefined ? {} : { model: config.EMBEDDER_MODEL }),
    ...(config.EMBEDDER_API_KEY === undefined ? {} : { apiKey: config.EMBEDDER_API_KEY }),
  });
  return { embedder, close: () => embedder.close() };
}
