// The intended send time of every request in a run.
//
// constant: requests evenly spaced at the current rate, the simplest reproducible load.
// exponential: a Poisson arrival process (wrk2's `-D exp`): gaps drawn from an exponential distribution
// with mean 1/rate. Independent users arriving at random look like this, and it exposes queueing that a
// perfectly regular schedule hides (bursts happen, and a server must absorb them).
//
// Rates may change over time (steps, ramps). Rather than approximating with "gap at the current rate",
// the schedule inverts the cumulative request count Λ(t) = ∫ rate: the k-th constant arrival is at
// Λ(t) = k, and Poisson arrivals are at Λ(t) = sum of k Exp(1) draws (the time-rescaling theorem). That
// is exact for linear ramps too, and a ramp starting at rate 0 still starts.
import type { Rng } from '../rng.ts';
import type { LoadShape } from './load-shape.ts';

export type ArrivalProcess = 'constant' | 'exponential';

/** Yields intended send times in ms from the start of the run, in order, until the shape ends. */
export function* intendedTimes(shape: LoadShape, arrival: ArrivalProcess, rng: Rng): Generator<number> {
  let segmentStartMs = 0;
  let countAtSegmentStart = 0;
  // Λ of the next arrival; the first request of a run goes as soon as the rate is positive.
  let nextCount = 0;
  for (const segment of shape.segments) {
    const a = segment.fromRate / 1000; // requests per ms at the segment start
    const b = (segment.toRate - segment.fromRate) / 1000 / segment.durationMs; // change of rate per ms
    const countAtSegmentEnd =
      countAtSegmentStart + ((segment.fromRate + segment.toRate) / 2) * (segment.durationMs / 1000);
    while (nextCount < countAtSegmentEnd) {
      const need = nextCount - countAtSegmentStart;
      // Solve a·x + b·x²/2 = need for the offset x into the segment (the linear case when the rate is flat).
      const offset = Math.abs(b) < 1e-15 ? need / a : (-a + Math.sqrt(Math.max(0, a * a + 2 * b * need))) / b;
      yield segmentStartMs + offset;
      nextCount += arrival === 'constant' ? 1 : -Math.log(1 - rng.next());
    }
    segmentStartMs += segment.durationMs;
    countAtSegmentStart = countAtSegmentEnd;
  }
}
