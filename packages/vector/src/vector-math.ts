// The little linear algebra the embedded index and the embedders need.

/** Copies `vector` into a new Float32Array scaled to unit length (a zero vector stays zero). */
export function normalized(vector: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(vector);
  normalizeInPlace(out);
  return out;
}

export function normalizeInPlace(vector: Float32Array): void {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i]! * vector[i]!;
  // A zero vector (e.g. the embedding of a text with no words) has no direction: leave it at zero,
  // as Qdrant does, so that it scores 0 against everything instead of NaN.
  if (sum === 0) return;
  const scale = 1 / Math.sqrt(sum);
  for (let i = 0; i < vector.length; i++) vector[i]! *= scale;
}

/** Dot product of `query` with the row of `matrix` that starts at `offset`. */
export function dotAt(query: Float32Array, matrix: Float32Array, offset: number): number {
  let sum = 0;
  for (let i = 0; i < query.length; i++) sum += query[i]! * matrix[offset + i]!;
  return sum;
}
