import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runClosedLoop } from '../src/engine/closed-loop.ts';
import { findMaxRate } from '../src/engine/find-max.ts';
import { createHttpTarget } from '../src/engine/http-target.ts';
import { constantShape } from '../src/engine/load-shape.ts';
import { runOpenLoop } from '../src/engine/open-loop.ts';
import { createRng } from '../src/rng.ts';
import type { RequestSpec } from '../src/scenario.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const get: RequestSpec = { method: 'GET', path: '/', expectedStatuses: [200] };

describe('find-max and closed loop', () => {
  let slow: TestServer;
  beforeAll(async () => {
    slow = await startTestServer({ delayMs: 20 });
  });
  afterAll(async () => {
    await slow.close();
  });

  it('finds the rate a capacity-limited server sustains (1 connection × 20 ms ≈ 50 req/s)', async () => {
    const target = createHttpTarget({ url: slow.url, connections: 1, timeoutMs: 5_000 });
    const result = await findMaxRate({
      runStep: (rate) =>
        runOpenLoop({
          target,
          nextRequest: () => get,
          shape: constantShape(rate, 1_000),
          arrival: 'constant',
          rng: createRng(1),
        }),
      startRate: 10,
      growth: 2,
      maxRate: 1_000,
      sloP99Ms: 100,
      maxErrorRate: 0.01,
      refineSteps: 2,
    });
    await target.close();
    // 10, 20, 40 pass on a quiet machine; 80 is over capacity in any case. The growth stops at the first
    // failing step (80, or 40 when a busy shared machine pushes its p99 over 100 ms), then bisects twice.
    const firstFailure = result.steps.findIndex((s) => !s.passed);
    const failed = result.steps[firstFailure];
    expect(result.steps.slice(0, firstFailure + 1).map((s) => s.rate)).toEqual(
      [10, 20, 40, 80].slice(0, firstFailure + 1),
    );
    expect(failed?.rate).toBeGreaterThanOrEqual(40);
    expect(failed?.reasons.join(' ')).toMatch(/p99|ok/);
    expect(result.maxSustainedRate).toBeGreaterThanOrEqual(20);
    expect(result.maxSustainedRate).toBeLessThan(80);
    expect(result.steps).toHaveLength(firstFailure + 1 + 2);
  });

  it('halves a start rate that fails until a step passes, then bisects', async () => {
    const target = createHttpTarget({ url: slow.url, connections: 1, timeoutMs: 5_000 });
    const result = await findMaxRate({
      runStep: (rate) =>
        runOpenLoop({
          target,
          nextRequest: () => get,
          shape: constantShape(rate, 500),
          arrival: 'constant',
          rng: createRng(1),
        }),
      startRate: 160,
      growth: 2,
      maxRate: 1_000,
      sloP99Ms: 100,
      maxErrorRate: 0.01,
      refineSteps: 1,
    });
    await target.close();
    // 1 connection × 20 ms ≈ 50 req/s: 160 and 80 fail for sure; the halving stops at the first pass.
    const rates = result.steps.map((s) => s.rate);
    expect(rates.slice(0, 2)).toEqual([160, 80]);
    expect(result.steps.slice(0, 2).every((s) => !s.passed)).toBe(true);
    const firstPass = result.steps.findIndex((s) => s.passed);
    expect(rates[firstPass]).toBeLessThanOrEqual(50);
    expect(result.steps).toHaveLength(firstPass + 2);
    expect(result.maxSustainedRate).toBeGreaterThanOrEqual(rates[firstPass] as number);
    expect(result.maxSustainedRate).toBeLessThan(80);
  });

  it('closed loop: N users wait for each response, so latency equals service time and throughput is N / RTT', async () => {
    const target = createHttpTarget({ url: slow.url, connections: 2, timeoutMs: 5_000 });
    const stats = await runClosedLoop({
      target,
      nextRequest: () => get,
      virtualUsers: 2,
      durationMs: 1_000,
      thinkTimeMs: 0,
      thinkTime: 'constant',
      rng: createRng(1),
    });
    await target.close();
    // Two users at ~20+ ms per round trip: at most ~100 requests in a second.
    expect(stats.totals.ok).toBeGreaterThan(40);
    expect(stats.totals.ok).toBeLessThanOrEqual(102);
    expect(stats.askedRate).toBeNull();
    expect(stats.latency.p50).toBe(stats.serviceTime.p50);
    expect(stats.latency.p50).toBeGreaterThanOrEqual(19);
  });
});
