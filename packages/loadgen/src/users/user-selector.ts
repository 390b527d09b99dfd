// Which user issues the next request. Uniform selection spreads load evenly; Zipf selection gives the
// skew of real social networks (a few users are far more active or far more read than the rest), which is
// what makes caches and hot timeline keys behave realistically.
import type { Rng } from '../rng.ts';

export type UserDistribution = { kind: 'uniform' } | { kind: 'zipf'; exponent: number };

/** Picks a user id in [0, users). */
export type UserSelector = (rng: Rng) => number;

export function createUserSelector(users: number, distribution: UserDistribution): UserSelector {
  if (!Number.isInteger(users) || users < 1) throw new RangeError(`users must be a positive integer, got ${users}`);
  if (distribution.kind === 'uniform') return (rng) => rng.int(users);
  return createZipfSelector(users, distribution.exponent);
}

/**
 * Zipf over ranks 1..n: P(rank k) ∝ 1 / k^s. Rank k is user id k − 1, so user 0 is the most popular.
 * The cumulative distribution is computed once (O(n) memory; 8 MB for a million users) and each draw is
 * a binary search, which is exact for any exponent, unlike the rejection-inversion approximations.
 */
export function createZipfSelector(users: number, exponent: number): UserSelector {
  if (!(exponent > 0)) throw new RangeError(`Zipf exponent must be > 0, got ${exponent}`);
  const cdf = new Float64Array(users);
  let sum = 0;
  for (let k = 1; k <= users; k++) {
    sum += 1 / k ** exponent;
    cdf[k - 1] = sum;
  }
  for (let i = 0; i < users; i++) cdf[i] = (cdf[i] as number) / sum;

  return (rng) => {
    const u = rng.next();
    let lo = 0;
    let hi = users - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cdf[mid] as number) > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}
