// The Embedder port: turns texts into vectors for the vector index. The search service embeds a post's
// text when it indexes the post and the user's query when it searches, with the same embedder — vectors
// from two different embedders (or two dimensions) are not comparable, so the embedder's `name` and
// `dimension` belong with the collection they filled.

export interface Embedder {
  /** Identifies the model and its settings, e.g. "hashing-v1-384" or "tei:BAAI/bge-small-en-v1.5". */
  readonly name: string;
  /** Length of every vector `embed` returns. */
  readonly dimension: number;
  /** One L2-normalised vector per text, in the same order. */
  embed(texts: string[]): Promise<Float32Array[]>;
}
