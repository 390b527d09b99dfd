import { describe, expect, it } from '@jest/globals';
import { intendedTimes } from '../src/engine/arrivals.ts';
import { constantShape, expectedRequests, rampShape, stepShape } from '../src/engine/load-shape.ts';
import { createRng } from '../src/rng.ts';

describe('intended send times', () => {
  it('constant arrivals are exactly 1/rate apart', () => {
    const times = [...intendedTimes(constantShape(100, 1_000), 'constant', createRng(1))];
    expect(times).toHaveLength(100);
    expect(times[1]).toBeCloseTo(10, 9);
    expect(times[99]).toBeCloseTo(990, 6);
  });

  it('exponential arrivals have mean gap 1/rate, coefficient of variation ~1, and repeat for a seed', () => {
    const a = [...intendedTimes(constantShape(1_000, 20_000), 'exponential', createRng(5))];
    const b = [...intendedTimes(constantShape(1_000, 20_000), 'exponential', createRng(5))];
    const c = [...intendedTimes(constantShape(1_000, 20_000), 'exponential', createRng(6))];
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const gaps = a.slice(1).map((t, i) => t - (a[i] as number));
    const mean = gaps.reduce((x, y) => x + y, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((x, g) => x + (g - mean) ** 2, 0) / gaps.length);
    expect(mean).toBeCloseTo(1, 1);
    expect(sd / mean).toBeGreaterThan(0.95);
    expect(sd / mean).toBeLessThan(1.05);
  });

  it('a ramp sends the area under its rate line, and a zero-rate step sends nothing', () => {
    const ramp = [...intendedTimes(rampShape(0, 200, 2_000), 'constant', createRng(1))];
    expect(expectedRequests(rampShape(0, 200, 2_000))).toBe(200);
    expect(ramp.length).toBeGreaterThan(190);
    expect(ramp.length).toBeLessThan(210);
    // The second half of a rising ramp carries three times the first half's requests.
    const firstHalf = ramp.filter((t) => t < 1_000).length;
    expect((ramp.length - firstHalf) / firstHalf).toBeGreaterThan(2.5);

    const gap = [
      ...intendedTimes(
        stepShape([
          { rate: 10, durationMs: 1_000 },
          { rate: 0, durationMs: 1_000 },
          { rate: 10, durationMs: 1_000 },
        ]),
        'constant',
        createRng(1),
      ),
    ];
    expect(gap).toHaveLength(20);
    expect(gap.filter((t) => t >= 1_000 && t < 2_000)).toHaveLength(0);
  });
});
