import { describe, expect, it } from '@jest/globals';
import { createRng } from '../src/rng.ts';
import { createUserSelector } from '../src/users/user-selector.ts';

function shares(users: number, draws: number, select: ReturnType<typeof createUserSelector>, seed = 1): number[] {
  const rng = createRng(seed);
  const counts = new Array<number>(users).fill(0);
  for (let i = 0; i < draws; i++) {
    const user = select(rng);
    counts[user] = (counts[user] ?? 0) + 1;
  }
  return counts.map((c) => c / draws);
}

describe('user selection', () => {
  it('uniform gives every user about 1/n of the draws', () => {
    const s = shares(100, 200_000, createUserSelector(100, { kind: 'uniform' }));
    for (const share of s) expect(share).toBeGreaterThan(0.0085);
    for (const share of s) expect(share).toBeLessThan(0.0115);
  });

  it('Zipf(1) over 1,000 users gives the top user ~13 % and the top 10 ~39 % of draws', () => {
    const s = shares(1_000, 200_000, createUserSelector(1_000, { kind: 'zipf', exponent: 1 }));
    // Harmonic number H(1000) ≈ 7.485: P(top) = 1/H ≈ 0.1336; top 10 = H(10)/H(1000) ≈ 0.3913.
    expect(s[0]).toBeGreaterThan(0.125);
    expect(s[0]).toBeLessThan(0.142);
    const top10 = s.slice(0, 10).reduce((a, b) => a + b, 0);
    expect(top10).toBeGreaterThan(0.38);
    expect(top10).toBeLessThan(0.4);
    // Rank 2 gets about half of rank 1.
    expect((s[1] as number) / (s[0] as number)).toBeCloseTo(0.5, 1);
  });

  it('a larger exponent is more skewed, and the same seed repeats the same draws', () => {
    const mild = shares(1_000, 50_000, createUserSelector(1_000, { kind: 'zipf', exponent: 0.8 }));
    const steep = shares(1_000, 50_000, createUserSelector(1_000, { kind: 'zipf', exponent: 1.5 }));
    expect(steep[0]).toBeGreaterThan(mild[0] as number);
    const again = shares(1_000, 50_000, createUserSelector(1_000, { kind: 'zipf', exponent: 0.8 }));
    expect(again).toEqual(mild);
  });

  it('rejects nonsense parameters', () => {
    expect(() => createUserSelector(0, { kind: 'uniform' })).toThrow(RangeError);
    expect(() => createUserSelector(10, { kind: 'zipf', exponent: 0 })).toThrow(RangeError);
  });
});
