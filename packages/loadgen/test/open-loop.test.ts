import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
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

  it('sends the asked rate: 200 req/s for 3 s arrives as 600 ± 5 % at the server', async () => {
    const target = createHttpTarget({ url: fast.url, connections: 8, timeoutMs: 5_000 });
    const before = fast.received();
    const stats = await runOpenLoop({
      target,
      nextRequest: () => get,
      shape: constantShape(200, 3_000),
      arrival: 'constant',
      rng: createRng(1),
    });
    await target.close();
    const arrived = fast.received() - before;
    expect(arrived).toBeGreaterThanOrEqual(570);
    expect(arrived).toBeLessThanOrEqual(630);
    // And spread over the 3 s, not bunched: the rate seen at the server, first to last arrival, is 200 ± 5 %.
    const times = fast.arrivals.slice(before);
    const serverRate = ((times.length - 1) / ((times.at(-1) as number) - (times[0] as number))) * 1000;
    expect(serverRate).toBeGreaterThan(190);
    expect(serverRate).toBeLessThan(210);
    // Every one of the three seconds carried about a third of the load.
    for (let second = 0; second < 3; second++) {
      const inSecond = times.filter(
        (t) => t - (times[0] as number) >= second * 1000 && t - (times[0] as number) < (second + 1) * 1000,
      );
      expect(inSecond.length).toBeGreaterThan(170);
      expect(inSecond.length).toBeLessThan(230);
    }
    expect(stats.totals.sent).toBe(arrived);
    expect(stats.totals.ok).toBe(arrived);
    expect(stats.errorRate).toBe(0);
    expect(stats.askedRate).toBeCloseTo(200, 5);
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

  it('follows a step shape', async () => {
    const target = createHttpTarget({ url: fast.url, connections: 8, timeoutMs: 5_000 });
    const stats = await runOpenLoop({
      target,
      nextRequest: () => get,
      shape: stepShape([
        { rate: 50, durationMs: 1_000 },
        { rate: 250, durationMs: 1_000 },
      ]),
      arrival: 'constant',
      rng: createRng(1),
    });
    await target.close();
    expect(stats.totals.scheduled).toBe(300);
    const [first, second] = stats.series;
    expect(first?.sent).toBeGreaterThanOrEqual(45);
    expect(first?.sent).toBeLessThanOrEqual(60);
    expect(second?.sent).toBeGreaterThanOrEqual(230);
  });

  it('charges queueing to latency (from the intended send time) but not to service time', async () => {
    // One connection to a server that takes 50 ms: it can serve 20 req/s; we ask for 40 req/s for 2 s.
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
    expect(stats.totals.late).toBeGreaterThan(60);
    // Service time is the server's 50 ms plus loopback overhead…
    expect(stats.serviceTime.p50).toBeGreaterThanOrEqual(49);
    expect(stats.serviceTime.p50).toBeLessThan(90);
    // …while the last requests waited behind ~40 others: 80 requests × 50 ms = 4 s of work due within 2 s,
    // so the final one completes ~2 s after it was due. A tester timing from the actual send would say 50 ms.
    expect(stats.latency.max).toBeGreaterThan(1_500);
    expect(stats.latency.p99).toBeGreaterThan(10 * (stats.serviceTime.p99 as number));
    // And latency grows over the run as the queue builds.
    const firstP50 = stats.series[0]?.p50 as number;
    const lastP50 = stats.series.at(-1)?.p50 as number;
    expect(lastP50).toBeGreaterThan(firstP50 + 500);
  });
});
