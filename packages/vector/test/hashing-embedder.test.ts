import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { featureHash, fmix32, fnv1a32 } from '../src/hashing/fnv1a.ts';
import { countFeatures, words } from '../src/hashing/text-features.ts';
import { createHashingEmbedder } from '../src/hashing-embedder.ts';

function cosine(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

describe('FNV-1a', () => {
  it('matches the published FNV-1a 32-bit test vectors', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('hashes UTF-8 bytes, and the finaliser is MurmurHash3 fmix32', () => {
    // "é" is the two bytes C3 A9 in UTF-8.
    expect(fnv1a32('é')).toBe(Math.imul(Math.imul(0x811c9dc5 ^ 0xc3, 0x01000193) ^ 0xa9, 0x01000193) >>> 0);
    expect(fmix32(0)).toBe(0);
    expect(fmix32(1)).toBe(0x514e28b7);
    expect(featureHash('w:tomato')).toBe(fmix32(fnv1a32('w:tomato')));
  });
});

describe('text features', () => {
  it('folds with NFKC, lowercases, splits on non-letters and drops English function words', () => {
    expect(words('Ｔｈｅ ﬁne Café—in São Paulo! #Football 2024')).toEqual([
      'the',
      'fine',
      'café',
      'in',
      'são',
      'paulo',
      'football',
      '2024',
    ]);
    const features = countFeatures('The tomato and the basil');
    expect(features.has('w:tomato')).toBe(true);
    expect(features.has('w:the')).toBe(false);
    expect(features.has('b:tomato basil')).toBe(true);
    for (const gram of ['c:<to', 'c:tom', 'c:ato>', 'c:<tom', 'c:mato>', 'c:<toma', 'c:omato']) {
      expect(features.get(gram)?.family).toBe('char');
    }
    expect(features.has('c:<tomat')).toBe(false); // 6-grams are not features
  });

  it('counts repeats, and keeps function words when a text has nothing else', () => {
    expect(countFeatures('goal goal goal').get('w:goal')?.count).toBe(3);
    expect(countFeatures('who are you').has('w:who')).toBe(true);
  });
});

describe('hashing embedder', () => {
  const embedder = createHashingEmbedder();

  it('returns unit vectors of the configured dimension', async () => {
    const [a, b] = await embedder.embed(['Stargazing tonight', 'x']);
    expect(embedder.dimension).toBe(384);
    expect(embedder.name).toBe('hashing-v1-384');
    expect(a).toHaveLength(384);
    expect(cosine(a!, a!)).toBeCloseTo(1, 5);
    expect(cosine(b!, b!)).toBeCloseTo(1, 5);
    const [small] = await createHashingEmbedder({ dimension: 64 }).embed(['Stargazing tonight']);
    expect(small).toHaveLength(64);
  });

  it('gives the zero vector to a text without words', async () => {
    const [empty] = await embedder.embed(['🎉🎉 !!!']);
    expect(Array.from(empty!).every((v) => v === 0)).toBe(true);
  });

  it('is deterministic: a golden checksum pins features, hashing and weights across runs and machines', async () => {
    const [vector] = await embedder.embed([
      'Finally nailed my grandma’s tomato sauce 🍅 #cooking — Ｓｕｎｄａｙ vibes',
    ]);
    // Quantised to 1e-6 so that the checksum is about the embedding, not the last float bit.
    const quantised = Array.from(vector!, (v) => Math.round(v * 1e6)).join(',');
    const checksum = createHash('sha256').update(quantised).digest('hex');
    expect(checksum).toBe('a9eb4d23c95efe5420d6799866b0817bbf556ec1f460736867b3d83a4a54cfcc');
  });

  it('scores texts sharing words or word forms above unrelated ones', async () => {
    const [garden, gardening, football] = await embedder.embed([
      'my vegetable garden after the rain',
      'gardening tips for vegetables',
      'the striker scored twice in the derby',
    ]);
    expect(cosine(garden!, gardening!)).toBeGreaterThan(0.2);
    expect(cosine(garden!, gardening!)).toBeGreaterThan(cosine(garden!, football!) + 0.15);
  });

  it('weights repeated features sublinearly', async () => {
    const [mixedOnce, mixedMany] = await embedder.embed([
      'goal referee',
      'goal goal goal goal goal goal goal goal referee',
    ]);
    const [referee] = await embedder.embed(['referee']);
    // With raw counts "referee" would be drowned (1 vs 8); with 1 + ln 8 ≈ 3.1 it keeps a real share.
    expect(cosine(mixedMany!, referee!)).toBeGreaterThan(0.25);
    expect(cosine(mixedOnce!, referee!)).toBeGreaterThan(cosine(mixedMany!, referee!));
  });
});
