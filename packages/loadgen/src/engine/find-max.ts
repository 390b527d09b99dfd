// "What is the highest rate this scenario sustains while p99 stays under the objective?" Step the rate up
// geometrically until a step fails, then bisect between the last passing and the first failing rate. When
// the very first step fails (the start rate was too ambitious for this system or this machine), halve it
// until one passes, then bisect the same way.
// Each step is a separate open-loop run, so every step's latency is coordinated-omission correct.
import type { RunStats } from './recorder.ts';

export interface FindMaxOptions {
  /** Runs one step at `rate` req/s and returns its statistics. */
  runStep: (rate: number) => Promise<RunStats>;
  startRate: number;
  /** Each step multiplies the rate by this (e.g. 1.5). */
  growth: number;
  /** Never ask for more than this (bounds the search). */
  maxRate: number;
  sloP99Ms: number;
  /** Highest tolerated (errors + dropped) / scheduled, e.g. 0.01. */
  maxErrorRate: number;
  /** Bisection steps after the first failure. */
  refineSteps: number;
  /** When the start rate fails, halve it at most this many times (default 6), never below 1 req/s. */
  maxHalvings?: number;
  /** A step also fails if fewer than this share of the asked requests succeeded (the target fell behind). */
  minOkShare?: number;
  onStep?: (step: FindMaxStep) => void;
}

export interface FindMaxStep {
  rate: number;
  passed: boolean;
  /** Why it failed (empty when it passed). */
  reasons: string[];
  stats: RunStats;
}

export interface FindMaxResult {
  /** The highest rate that passed, or null if even the first step failed. */
  maxSustainedRate: number | null;
  steps: FindMaxStep[];
}

export function judgeStep(stats: RunStats, rate: number, options: FindMaxOptions): string[] {
  const reasons: string[] = [];
  const p99 = stats.latency.p99;
  if (p99 === null) reasons.push('no successful responses');
  else if (p99 > options.sloP99Ms) reasons.push(`p99 ${p99} ms > ${options.sloP99Ms} ms`);
  if (stats.errorRate > options.maxErrorRate) {
    reasons.push(`error rate ${(stats.errorRate * 100).toFixed(2)} % > ${(options.maxErrorRate * 100).toFixed(2)} %`);
  }
  const minOk = (options.minOkShare ?? 0.95) * rate;
  if (stats.okRate < minOk) reasons.push(`ok ${stats.okRate.toFixed(0)}/s < ${minOk.toFixed(0)}/s asked`);
  return reasons;
}

export async function findMaxRate(options: FindMaxOptions): Promise<FindMaxResult> {
  if (!(options.growth > 1)) throw new RangeError('growth must be > 1');
  const steps: FindMaxStep[] = [];
  const attempt = async (rate: number): Promise<boolean> => {
    const stats = await options.runStep(rate);
    const reasons = judgeStep(stats, rate, options);
    const step = { rate, passed: reasons.length === 0, reasons, stats };
    steps.push(step);
    options.onStep?.(step);
    return step.passed;
  };

  let passed: number | null = null;
  let failed: number | null = null;
  for (let rate = options.startRate; rate <= options.maxRate; rate = Math.round(rate * options.growth)) {
    if (await attempt(rate)) passed = rate;
    else {
      failed = rate;
      break;
    }
  }
  if (passed === null && failed !== null) {
    let halvings = 0;
    for (
      let rate = Math.floor(failed / 2);
      rate >= 1 && halvings < (options.maxHalvings ?? 6);
      rate = Math.floor(rate / 2)
    ) {
      halvings++;
      if (await attempt(rate)) {
        passed = rate;
        break;
      }
      failed = rate;
    }
  }
  if (passed !== null && failed !== null) {
    for (let i = 0; i < options.refineSteps; i++) {
      const middle = Math.round((passed + failed) / 2);
      if (middle === passed || middle === failed) break;
      if (await attempt(middle)) passed = middle;
      else failed = middle;
    }
  }
  return { maxSustainedRate: passed, steps };
}
