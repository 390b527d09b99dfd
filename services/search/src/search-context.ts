// What the routes, the consumer and the re-index work with: the vector index, the embedder that fills
// it, and the names of the collections and aliases (ADR 0026).
import type { Embedder } from '@scalegram/vector/embedder';
import type { VectorIndex } from '@scalegram/vector/port';
import type { IndexNames } from './store/index-names.ts';

export interface SearchContext {
  index: VectorIndex;
  embedder: Embedder;
  names: IndexNames;
  /** Search hits scoring below this are left out (SEARCH_MIN_SCORE). */
  minScore: number;
}
