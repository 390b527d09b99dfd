import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { intendedTimes } from '../src/engine/arrivals.ts';
import { createHttpTarget } from '../src/engine/http-target.ts';
import { constantShape, stepShape } from '../src/engine/load-shape.ts';
import { runOpenLoop } from '../src/engine/open-loop.ts';
import { createRng } from '../src/rng.ts';
import type { RequestSpec } from '../src/scenario.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const get: RequestSpec = { method: 'GET', path: '/', expectedStatuses: [200] };

describe('open loop', () => {
  let fast: TestServer;
  let slow: TestServer;
  beforeAll(async () => {
    fast = await startTestServer();
    slow = await startTestServer({ delayMs: 50 });
  });
  afterAll(async () => {
    await fast.close();
    await slow.close();
  });

  // What these tests assert holds on any machine, however busy: the schedule (intended send times), which
  // is fixed before the run, and what follows from it — nothing is sent or arrives ahead of its intended
  // time, everything scheduled is sent exactly once and arrives. How far BEHIND schedule a slow machine
  // falls is not a property of the code but of the machine: the generator's rate accuracy is measured in
  // docs/benchmarks.md ("The load generator's own ceiling"), not here.
  it('sends on schedule: 200 req/s for 3 s is 600 requests, none sent or arriving ahead of its intended time', async () => {
    const shape = constantShape(200, 3_000);
    const intended = [...intendedTimes(shape, 'constant', createRng(1))];
    const target = createHttpTarget({ url: fast.url, connections: 8, timeoutMs: 5_000 });
    const before = fast.received();
    const sends: number[] = [];
    const t0 = performance.now();
    const stats = await runOpenLoop({
      target,
      // Called as each request is handed to a connection: its actual send time.
      nextRequest: () => {
        sends.push(performance.now() - t0);
        return get;
      },
      shape,
      arrival: 'constant',
      rng: createRng(1),
    });
    await target.close();
    expect(intended).toHaveLength(600);
    expect(intended[599]).toBeCloseTo(2_995, 6);
    expect(stats.totals.scheduled).toBe(600);
    expect(stats.totals.sent).toBe(600);
    expect(stats.totals.ok).toBe(600);
    expect(stats.errorRate).toBe(0);
    expect(stats.askedRate).toBeCloseTo(200, 5);
    expect(fast.received() - before).toBe(600);
    // The k-th send, and the k-th arrival at the server, come no earlier than the k-th intended time (the
    // engine started after t0): at no moment has the server seen more than the schedule asked for, so
    // the load is never bunched ahead of time, and a late scheduler catches up instead of skipping.
    const arrivals = fast.arrivals.slice(before).map((t) => t - t0);
    expect(notAheadOf(intended, sends)).toBe(true);
    expect(notAheadOf(intended, arrivals)).toBe(true);
    expect(stats.sendLag.count).toBe(600);
  });

  it('exponential arrivals keep the mean rate', async () => {
    const target = createHttpTarget({ url: fast.url, connections: 8, timeoutMs: 5_000 });
    const before = fast.received();
    const stats = await runOpenLoop({
      target,
      nextRequest: () => get,
      shape: constantShape(300, 2_000),
      arrival: 'exponential',
      rng: createRng(99),
    });
    await target.close();
    // 600 expected; a Poisson count has a standard deviation of √600 ≈ 24.5, so ±15 % is > 3.5 σ.
    expect(stats.totals.scheduled).toBeGreaterThan(510);
    expect(stats.totals.scheduled).toBeLessThan(690);
    expect(fast.received() - before).toBe(stats.totals.sent);
  });

  it('follows a step shape: 50 req/s then 250 req/s, never ahead of the schedule', async () => {
    const shape = stepShape([
      { rate: 50, durationMs: 1_000 },
      { rate: 250, durationMs: 1_000 },
    ]);
    const intended = [...intendedTimes(shape, 'constant', createRng(1))];
    const target = createHttpTarget({ url: fast.url, connections: 8, timeoutMs: 5_000 });
    const before = fast.received();
    const sends: number[] = [];
    const t0 = performance.now();
    const stats = await runOpenLoop({
      target,
      nextRequest: () => {
        sends.push(performance.now() - t0);
        return get;
      },
      shape,
      arrival: 'constant',
      rng: createRng(1),
    });
    await target.close();
    expect(intended.filter((t) => t < 1_000)).toHaveLength(50);
    expect(stats.totals.scheduled).toBe(300);
    expect(stats.totals.sent).toBe(300);
    expect(fast.received() - before).toBe(300);
    expect(notAheadOf(intended, sends)).toBe(true);
    // So the first second of the run carried at most the first step's 50, however the machine kept up.
    expect(sends.filter((t) => t < 1_000).length).toBeLessThanOrEqual(50);
  });

  it('charges queueing to latency (from the intended send time) but not to service time', async () => {
    // One connection to a server that takes 50 ms: it serves at most 20 req/s; we ask for 40 req/s for 2 s.
    // Every bound below follows from that arithmetic, so a slow machine can only make them hold by more:
    // the k-th response (k from 1) cannot come before k × 50 ms, while request k was due at (k − 1) × 25 ms.
    const target = createHttpTarget({ url: slow.url, connections: 1, timeoutMs: 10_000 });
    const stats = await runOpenLoop({
      target,
      nextRequest: () => get,
      shape: constantShape(40, 2_000),
      arrival: 'constant',
      rng: createRng(1),
    });
    await target.close();
    expect(stats.totals.ok).toBe(80);
    // The last request (due at 1,975 ms) could not be sent before the 79 ahead of it were served
    // (≥ 79 × 49 ms; a timer may fire a fraction of a millisecond early): it waited ≥ 1.9 s for a connection…
    expect(stats.totals.late).toBeGreaterThan(0);
    expect(stats.sendLag.max).toBeGreaterThan(1_890);
    // …which its latency includes (it completes ≥ 80 × 49 ms after the start: ≥ 1.9 s after it was due)…
    expect(stats.latency.max).toBeGreaterThan(1_940);
    // …and service time does not: it starts at the actual send (the server's 50 ms and up). On one
    // connection every request's service time also delays all those behind it, so the last one's latency
    // exceeds the longest service time by at least the other 79 × 49 ms less its 1,975 ms due time. A tester
    // timing from the actual send would report latency = service time.
    expect(stats.serviceTime.p50).toBeGreaterThanOrEqual(49);
    expect(stats.latency.max as number).toBeGreaterThan((stats.serviceTime.max as number) + 1_800);
  });
});

/** True when, in time order, the k-th of `times` is no earlier than the k-th of `intended`. */
function notAheadOf(intended: readonly number[], times: readonly number[]): boolean {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted.length === intended.length && sorted.every((t, k) => t >= (intended[k] as number));
}
