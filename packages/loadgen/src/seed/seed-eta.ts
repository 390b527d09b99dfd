// The time left of a whole seeding run, not just of the current phase: each phase's items are weighted
// by what one costs (a registration hashes a password and runs a saga; a bulk follow is a row in a
// batch), and the time per unit of weighted work so far predicts the rest. The weights are rough
// relative costs measured on the embedded system (docs/benchmarks.md, "Seeding"); the estimate
// corrects itself as the run goes, since it divides by the pace actually achieved.
import type { SeedPhase } from './seed-social-network.ts';

export type PhaseWeights = Readonly<Record<SeedPhase, number>>;

/** Relative cost of one item per phase, through the public API. */
export const PUBLIC_WEIGHTS: PhaseWeights = { users: 1, follows: 0.07, posts: 0.5, likes: 0.2, comments: 0.2 };
/** In bulk (ADR 0041): a registration is one of a hundred per request, a follow a row of a thousand. */
export const BULK_WEIGHTS: PhaseWeights = { users: 1, follows: 0.01, posts: 4, likes: 0.5, comments: 0.6 };

export const SEED_PHASES: readonly SeedPhase[] = ['users', 'follows', 'posts', 'likes', 'comments'];

export interface SeedEta {
  /** Records progress; totals replace the expected ones as phases announce theirs. */
  update(phase: SeedPhase, done: number, total: number): void;
  /** Seconds left, or undefined until there is enough progress to tell. */
  secondsLeft(): number | undefined;
}

export function createSeedEta(
  expected: Readonly<Record<SeedPhase, number>>,
  weights: PhaseWeights,
  now: () => number = () => performance.now(),
): SeedEta {
  const totals = { ...expected };
  const done: Record<SeedPhase, number> = { users: 0, follows: 0, posts: 0, likes: 0, comments: 0 };
  const started = now();
  const work = (counts: Readonly<Record<SeedPhase, number>>) =>
    SEED_PHASES.reduce((sum, phase) => sum + counts[phase] * weights[phase], 0);
  return {
    update(phase, count, total) {
      totals[phase] = total;
      done[phase] = count;
      // A phase that started means every earlier one is over, whatever its counter last said.
      for (const earlier of SEED_PHASES.slice(0, SEED_PHASES.indexOf(phase))) done[earlier] = totals[earlier];
    },
    secondsLeft() {
      const finished = work(done);
      const elapsed = (now() - started) / 1000;
      if (finished <= 0 || elapsed < 2) return undefined;
      return Math.max(0, (elapsed / finished) * (work(totals) - finished));
    },
  };
}

/** "1 min 05 s", "42 s". */
export function formatSeconds(seconds: number): string {
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole} s`;
  return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
}
