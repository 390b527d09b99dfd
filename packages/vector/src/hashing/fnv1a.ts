// A stable 32-bit string hash for feature hashing: FNV-1a over the UTF-8 bytes, then MurmurHash3's
// 32-bit finaliser. FNV-1a is tiny, fast on short strings and specified byte by byte, so any language
// can reproduce it exactly (http://www.isthe.com/chongo/tech/comp/fnv/). Its low bits mix poorly for
// short inputs, and the feature index is taken modulo the dimension, so the finaliser (an invertible
// avalanche step from MurmurHash3) spreads every input bit over every output bit first.

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const encoder = new TextEncoder();
let scratch = new Uint8Array(256);

/** Plain FNV-1a 32-bit of the UTF-8 encoding of `text`, as an unsigned integer. */
export function fnv1a32(text: string): number {
  // Each UTF-16 code unit needs at most 3 UTF-8 bytes.
  if (text.length * 3 > scratch.length) scratch = new Uint8Array(text.length * 3);
  const { written } = encoder.encodeInto(text, scratch);
  let hash = FNV_OFFSET_BASIS;
  for (let i = 0; i < written; i++) {
    hash ^= scratch[i]!;
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

/** MurmurHash3's fmix32. */
export function fmix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The feature hash: fmix32(FNV-1a(text)). */
export function featureHash(text: string): number {
  return fmix32(fnv1a32(text));
}
