import { describe, expect, it } from '@jest/globals';
import { createSeedEta, formatSeconds, PUBLIC_WEIGHTS } from '../src/seed/seed-eta.ts';

describe('seed ETA', () => {
  const expected = { users: 100, follows: 1_000, posts: 200, likes: 400, comments: 200 };

  it('predicts the whole run from the weighted pace so far, and corrects itself with the pace', () => {
    let clock = 0;
    const eta = createSeedEta(expected, PUBLIC_WEIGHTS, () => clock);
    expect(eta.secondsLeft()).toBeUndefined();
    clock = 10_000;
    eta.update('users', 50, 100);
    // 50 units in 10 s; total work = 100 + 70 + 100 + 80 + 40 = 390 units, 340 to go.
    expect(eta.secondsLeft()).toBeCloseTo((10 / 50) * 340, 5);
    // Follows started: users count as done whatever their counter said; a faster pace shortens the rest.
    clock = 20_000;
    eta.update('follows', 500, 1_000);
    // 100 + 35 = 135 units done in 20 s, 255 to go.
    expect(eta.secondsLeft()).toBeCloseTo((20 / 135) * 255, 5);
    clock = 60_000;
    eta.update('comments', 200, 200);
    expect(eta.secondsLeft()).toBe(0);
  });

  it('takes the totals a phase announces over the expected ones', () => {
    let clock = 0;
    const eta = createSeedEta(expected, PUBLIC_WEIGHTS, () => clock);
    clock = 5_000;
    eta.update('users', 100, 100);
    eta.update('follows', 0, 0); // follows already complete
    eta.update('posts', 0, 0);
    eta.update('likes', 0, 0);
    eta.update('comments', 0, 0);
    expect(eta.secondsLeft()).toBe(0);
  });

  it('formats seconds for people', () => {
    expect(formatSeconds(42.4)).toBe('42 s');
    expect(formatSeconds(65)).toBe('1 min 05 s');
  });
});
