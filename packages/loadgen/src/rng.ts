// A small seeded pseudo-random number generator, so that a run with the same seed issues the same
// requests at the same intended times (and a regression can be replayed). Math.random() cannot be seeded.
//
// sfc32 (Chris Doty-Humphrey's "small fast counting" generator): 128 bits of state, passes PractRand and
// BigCrush, and needs only 32-bit integer arithmetic, which JavaScript does exactly. Statistical quality
// matters here (Zipf sampling, exponential gaps); cryptographic strength does not.

/** A seeded source of uniform numbers in [0, 1). */
export interface Rng {
  /** A uniform float in [0, 1). */
  next(): number;
  /** A uniform integer in [0, n). */
  int(n: number): number;
  /** An independent generator derived from this one (for a sub-stream, e.g. one per scenario). */
  fork(): Rng;
}

export function createRng(seed: number): Rng {
  // splitmix32 spreads a small or sequential seed over the 128 bits of state.
  let s = seed >>> 0;
  const split = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split();
  let b = split();
  let c = split();
  let d = split();

  const nextUint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // Discard the first outputs: they are still correlated with the seed.
  for (let i = 0; i < 12; i++) nextUint32();

  const rng: Rng = {
    next: () => nextUint32() / 4294967296,
    int: (n) => Math.floor((nextUint32() / 4294967296) * n),
    fork: () => createRng(nextUint32()),
  };
  return rng;
}
