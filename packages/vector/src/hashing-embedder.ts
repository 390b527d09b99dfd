// A deterministic text embedder that needs no model: signed feature hashing ("the hashing trick",
// Weinberger et al. 2009) of word, word-pair and character n-gram features (see hashing/text-features.ts).
//
// Each feature is hashed to one of `dimension` buckets and adds ±weight there; the sign, a second bit of
// the same hash, makes collisions cancel out on average instead of piling up, so a dot product of two
// vectors estimates the overlap of their feature sets without bias. The weight is sublinear in the
// feature's count (1 + ln count), so repeating a word ten times does not drown everything else, and the
// vector is L2-normalised, so cosine similarity measures shared vocabulary independent of text length.
//
// It is lexical, not semantic: "footballer" and "striker" share nothing. It is what the demo needs with
// zero downloads, it is exactly reproducible, and the HTTP embedder replaces it with a real model when
// one is deployed (docs/adr/0014-*).
import type { Embedder } from './embedder.ts';
import { featureHash } from './hashing/fnv1a.ts';
import { countFeatures, type FeatureFamily } from './hashing/text-features.ts';
import { normalizeInPlace } from './vector-math.ts';

export interface HashingEmbedderOptions {
  /** Number of hash buckets = vector length. 384 matches small sentence models, so collections can switch. */
  dimension?: number;
}

// A word is worth more than any one of its many character grams (a 7-letter word has 18 of them);
// bigrams are rarer and more specific than words, so they count almost as much.
const FAMILY_WEIGHT: Record<FeatureFamily, number> = { word: 1, bigram: 0.8, char: 0.25 };

/** Bumped whenever features, hashing or weights change: vectors from different versions do not mix. */
const VERSION = 1;

export function embedText(text: string, dimension: number): Float32Array {
  const vector = new Float32Array(dimension);
  for (const [feature, { family, count }] of countFeatures(text)) {
    const hash = featureHash(feature);
    const sign = hash & 0x8000_0000 ? -1 : 1;
    vector[hash % dimension]! += sign * FAMILY_WEIGHT[family] * (1 + Math.log(count));
  }
  normalizeInPlace(vector);
  return vector;
}

export function createHashingEmbedder(options: HashingEmbedderOptions = {}): Embedder {
  const dimension = options.dimension ?? 384;
  if (!Number.isInteger(dimension) || dimension < 2)
    throw new RangeError(`dimension must be an integer ≥ 2, got ${dimension}`);
  return {
    name: `hashing-v${VERSION}-${dimension}`,
    dimension,
    async embed(texts) {
      return texts.map((text) => embedText(text, dimension));
    },
  };
}
