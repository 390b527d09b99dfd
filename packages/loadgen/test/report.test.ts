import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { Value } from 'typebox/value';
import { runBenchmark } from '../src/benchmark.ts';
import { constantShape } from '../src/engine/load-shape.ts';
import { ratio, renderMarkdown } from '../src/report/markdown.ts';
import { type Report, ReportSchema } from '../src/report/schema.ts';
import { renderSvg } from '../src/report/svg-chart.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const engine = {
  mode: 'open' as const,
  arrival: 'constant' as const,
  connections: 4,
  pipelining: 1,
  timeoutMs: 5_000,
  maxBacklog: 1_000,
  seed: 7,
  users: 100,
  distribution: { kind: 'zipf' as const, exponent: 1 },
  virtualUsers: 4,
  thinkTimeMs: 0,
  allowedHosts: [],
  warmupMs: 0,
};
// A deliberately short search: 3 steps of half a second on the ceiling.
/**
 * The search's steps as the machine allowed them: 100, then ×3 up to 900, stopping after the first step
 * that misses the objective (a busy machine can stop it at 300; a step count is not a speed assertion).
 */
function expectSearchSteps(steps: ReadonlyArray<{ rate: number; passed: boolean }> | undefined): void {
  expect(steps?.length).toBeGreaterThanOrEqual(1);
  const rates = (steps ?? []).map((step) => step.rate);
  expect(rates).toEqual([100, 300, 900].slice(0, rates.length));
  const firstMiss = (steps ?? []).findIndex((step) => !step.passed);
  if (firstMiss >= 0) expect(firstMiss).toBe(rates.length - 1);
  else expect(rates).toEqual([100, 300, 900]);
}

const tinySearch = {
  sloP99Ms: 200,
  maxErrorRate: 0.01,
  startRate: 100,
  growth: 3,
  maxRate: 900,
  stepDurationMs: 500,
  refineSteps: 0,
};

describe('reports', () => {
  let server: TestServer;
  let report: Report;
  beforeAll(async () => {
    server = await startTestServer();
    report = await runBenchmark({
      ...engine,
      scenario: 'http-get',
      url: `${server.url}/users/{user}`,
      shape: constantShape(100, 2_000),
      ceiling: tinySearch,
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('the JSON report validates against its schema and survives a JSON round trip', () => {
    const errors = [...Value.Errors(ReportSchema, report)].map((e) => `${e.instancePath} ${e.message}`);
    expect(errors).toEqual([]);
    const copy = JSON.parse(JSON.stringify(report));
    expect(Value.Check(ReportSchema, copy)).toBe(true);
    // And the schema does reject a broken report.
    expect(Value.Check(ReportSchema, { ...copy, result: { ...copy.result, errorRate: 2 } })).toBe(false);
  });

  it('records scenario, machine, settings, totals and both latency measures', () => {
    expect(report.kind).toBe('run');
    expect(report.scenario.name).toBe('http-get');
    expect(report.scenario.description).toContain('/users/{user}');
    expect(report.machine.node).toBe(process.version);
    expect(report.settings.userDistribution).toBe('zipf(1)');
    expect(report.result.totals.scheduled).toBe(200);
    expect(report.result.statusCodes).toEqual({ '200': 200 });
    expect(report.result.latency.count).toBe(200);
    expect(report.result.serviceTime.count).toBe(200);
    expect(report.result.latency.p50).toBeGreaterThanOrEqual(report.result.serviceTime.p50 as number);
    expect(report.series.length).toBeGreaterThanOrEqual(2);
  });

  it('substituted the drawn user into the path, Zipf-skewed towards user 0', () => {
    expect(server.paths).toHaveLength(200);
    for (const path of server.paths) expect(path).toMatch(/^\/users\/\d+$/);
    const zero = server.paths.filter((p) => p === '/users/0').length;
    // Zipf(1) over 100 users gives user 0 about 19 % of requests, against 1 % for uniform.
    expect(zero).toBeGreaterThan(20);
  });

  it('measures the ceiling in the same run and gives ratios to it', () => {
    const ceiling = report.ceiling;
    expect(ceiling?.atSameLoad?.totals.ok).toBe(200);
    expectSearchSteps(ceiling?.search.steps);
    if (ceiling?.search.steps[0]?.passed) expect(ceiling.maxSustainedRate).toBeGreaterThanOrEqual(100);
    expect(report.ratios?.okRateToCeilingMax).toBeCloseTo(
      report.result.okRate / (ceiling?.maxSustainedRate as number),
      2,
    );
    expect(report.ratios?.p99ToCeiling).toBeGreaterThan(0);
  });

  it('the Markdown summary has the run / ceiling table', () => {
    const markdown = renderMarkdown(report);
    expect(markdown).toContain('| metric | this run | ceiling (bare Fastify) | run / ceiling |');
    expect(markdown).toMatch(/\| latency p99 \(ms\) \| [\d.,]+ \| [\d.,]+ \| [\d.]+ \|/);
    expect(markdown).toContain('Status codes: 200 × 200');
  });

  it('the SVG chart parses as XML and has every series with one point per second', () => {
    const svg = renderSvg(report);
    expect(XMLValidator.validate(svg)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'g' || name === 'path' }).parse(
      svg,
    );
    const paths = (doc.svg.g as Array<{ path: Array<Record<string, string>> }>).flatMap((g) => g.path);
    const byId = new Map(paths.map((p) => [p['@_data-series'], p['@_d'] as string]));
    expect([...byId.keys()].sort()).toEqual([
      'latency-p50',
      'latency-p99',
      'throughput-errors',
      'throughput-ok',
      'throughput-sent',
    ]);
    const points = (d: string) => d.split(' ').filter((s) => /^[ML]/.test(s));
    expect(points(byId.get('throughput-ok') as string)).toHaveLength(report.series.length);
    // Every coordinate is a finite number inside the drawing.
    for (const d of byId.values()) {
      for (const point of points(d)) {
        const [x, y] = point.slice(1).split(',').map(Number);
        expect(Number.isFinite(x) && Number.isFinite(y)).toBe(true);
        expect(y).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('escapes text so a hostile scenario description cannot break the SVG', () => {
    const svg = renderSvg({ ...report, target: { url: 'http://127.0.0.1/?a=<b>&c="d"' } });
    expect(XMLValidator.validate(svg)).toBe(true);
  });

  it('a find-max report on the ceiling scenario (which starts its own server) validates and renders', async () => {
    const found = await runBenchmark({
      ...engine,
      scenario: 'ceiling',
      shape: constantShape(100, 1_000),
      search: tinySearch,
    });
    expect(Value.Check(ReportSchema, found)).toBe(true);
    expect(found.kind).toBe('find-max');
    expect(found.target.url).toContain('bare Fastify');
    expectSearchSteps(found.findMax?.steps);
    if (found.findMax?.steps[0]?.passed) expect(found.findMax.maxSustainedRate).toBeGreaterThanOrEqual(100);
    // The chart's timeline is the steps one after another, half a second each.
    expect(found.series.length).toBeGreaterThanOrEqual(found.findMax?.steps.length ?? 1);
    const markdown = renderMarkdown(found);
    expect(markdown).toContain(
      '| asked req/s | ok req/s | errors | p50 (ms) | p99 (ms) | send lag p99 (ms) | verdict |',
    );
    expect(markdown).toMatch(/\*\*Highest sustained rate: [\d,]+ req\/s\*\*/);
    expect(XMLValidator.validate(renderSvg(found))).toBe(true);
  });

  it('a warm-up is sent before the measurement but not counted in it', async () => {
    const before = server.received();
    const warmed = await runBenchmark({
      ...engine,
      warmupMs: 500,
      scenario: 'http-get',
      url: server.url,
      shape: constantShape(100, 1_000),
    });
    expect(warmed.settings.warmupMs).toBe(500);
    expect(warmed.result.totals.sent).toBe(100);
    // 50 warm-up requests (100 req/s for half a second) plus the 100 measured ones reached the server.
    expect(server.received() - before).toBe(150);
  });
});

describe('ratio in the Markdown summary', () => {
  it('keeps two significant digits, however small the ratio', () => {
    expect(ratio(40, 39_668)).toBe('0.0010');
    expect(ratio(1, 2)).toBe('0.50');
    expect(ratio(3, 3)).toBe('1.0');
    expect(ratio(1, 0)).toBe('–');
  });
});
