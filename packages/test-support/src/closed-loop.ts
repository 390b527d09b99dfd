// The closed-loop measurement the benchmarks share: `concurrency` workers call `operation` back to back
// for `durationMs`, each call with a distinct index; throughput and latency percentiles come back.
// Figures from it go to docs/benchmarks.md beside a same-run ceiling, never into a test assertion.

export interface ClosedLoopResult {
  opsPerSecond: number;
  p50: number;
  p99: number;
}

export interface ClosedLoopOptions {
  durationMs: number;
  concurrency: number;
}

export async function measureClosedLoop(
  options: ClosedLoopOptions,
  operation: (index: number) => Promise<void>,
): Promise<ClosedLoopResult> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const end = started + options.durationMs;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (performance.now() < end) {
        const index = next++;
        const t0 = performance.now();
        await operation(index);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { opsPerSecond: latencies.length / elapsed, p50: at(0.5), p99: at(0.99) };
}

export function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
}

/** Rounds folded into one figure each, by median (robust to one noisy round). */
export function medianResult(results: ClosedLoopResult[]): ClosedLoopResult {
  return {
    opsPerSecond: median(results.map((r) => r.opsPerSecond)),
    p50: median(results.map((r) => r.p50)),
    p99: median(results.map((r) => r.p99)),
  };
}

/** Rounds folded into one figure each, by mean. */
export function meanResult(results: ClosedLoopResult[]): ClosedLoopResult {
  const mean = (pick: (r: ClosedLoopResult) => number) => results.reduce((sum, r) => sum + pick(r), 0) / results.length;
  return { opsPerSecond: mean((r) => r.opsPerSecond), p50: mean((r) => r.p50), p99: mean((r) => r.p99) };
}
