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
  // Four independent sums let the CPU overlap the multiply-adds instead of waiting on one chain;
  // this is the embedded index's hot loop (n × d per query) and measured ~1.3× faster this way (bench/vector.ts).
  const n = query.length;
  const tail = n - (n % 4);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let i = 0; i < tail; i += 4) {
    s0 += query[i]! * matrix[offset + i]!;
    s1 += query[i + 1]! * matrix[offset + i + 1]!;
    s2 += query[i + 2]! * matrix[offset + i + 2]!;
    s3 += query[i + 3]! * matrix[offset + i + 3]!;
  }
  for (let i = tail; i < n; i++) s0 += query[i]! * matrix[offset + i]!;
  return s0 + s1 + s2 + s3;
}
