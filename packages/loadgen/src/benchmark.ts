// One benchmark from configuration to report: prepare the scenario, drive the target (open loop, closed
// loop, or the find-max search), measure the ceiling with the same engine settings if asked, and build the
// report. The CLI is a thin layer over this, and the tests call it directly.

import { startCeilingServer } from './ceiling.ts';
import type { ArrivalProcess } from './engine/arrivals.ts';
import { runClosedLoop } from './engine/closed-loop.ts';
import { type FindMaxResult, type FindMaxStep, findMaxRate } from './engine/find-max.ts';
import { createHttpTarget } from './engine/http-target.ts';
import { constantShape, expectedRequests, type LoadShape, shapeDurationMs } from './engine/load-shape.ts';
import { runOpenLoop } from './engine/open-loop.ts';
import type { RunStats, SecondPoint } from './engine/recorder.ts';
import { graphName } from './graph/graph-spec.ts';
import { buildReport, toFindMaxSummary, toRunSummary } from './report/build-report.ts';
import type { Report } from './report/schema.ts';
import { createRng, type Rng } from './rng.ts';
import { type PreparedScenario, prepareScenario } from './scenario.ts';
import { ceilingScenario } from './scenarios/ceiling-scenario.ts';
import { prepareNamedScenario } from './scenarios/registry.ts';
import { type PopulationSettings, preparePopulation } from './scenarios/social/population.ts';
import { createUserSelector, type UserDistribution } from './users/user-selector.ts';

export interface SearchSettings {
  sloP99Ms: number;
  maxErrorRate: number;
  startRate: number;
  growth: number;
  maxRate: number;
  stepDurationMs: number;
  refineSteps: number;
}

export interface BenchmarkConfig {
  scenario: string;
  /** Target URL; omitted for the `ceiling` scenario, which then targets its own bare Fastify server. */
  url?: string;
  /** Request path for http-get (defaults to the URL's path). */
  path?: string;
  expectedStatuses?: readonly number[];
  mode: 'open' | 'closed';
  shape: LoadShape;
  arrival: ArrivalProcess;
  connections: number;
  pipelining: number;
  timeoutMs: number;
  maxBacklog: number;
  seed: number;
  users: number;
  distribution: UserDistribution;
  virtualUsers: number;
  thinkTimeMs: number;
  allowedHosts: readonly string[];
  /** Load at the first rate before measuring, discarded (0 = none). */
  warmupMs: number;
  /** Refuse to start a run (or a search step) that would send more than this many requests. */
  maxRequests?: number;
  /** The social scenarios' population: which graph, the seed state file, how to seed it when needed. */
  social?: PopulationSettings;
  /** Set for `find-max`: search for the highest sustained rate instead of running `shape`. */
  search?: SearchSettings;
  /** Also measure the bare Fastify ceiling; its search uses these settings. */
  ceiling?: SearchSettings;
  onSecond?: (point: SecondPoint, inFlight: number) => void;
  onStep?: (step: FindMaxStep, label: string) => void;
  log?: (line: string) => void;
}

export const DEFAULT_MAX_REQUESTS = 5_000_000;

/** A typo such as --rate 50000 --duration 10m must not turn the generator into a flood: check the volume up front. */
function checkBounded(config: BenchmarkConfig): void {
  const limit = config.maxRequests ?? DEFAULT_MAX_REQUESTS;
  const planned = config.search
    ? config.search.maxRate * (config.search.stepDurationMs / 1000)
    : config.mode === 'open'
      ? expectedRequests(config.shape)
      : 0;
  if (planned > limit) {
    throw new RangeError(
      `this would send up to ${Math.round(planned)} requests in one run or step; the limit is ${limit} (--max-requests)`,
    );
  }
}

/** The URL's path and query, with the `{user}` placeholder restored (URL parsing percent-encodes braces). */
const urlPath = (url: URL): string => `${url.pathname}${url.search}`.replaceAll('%7Buser%7D', '{user}');

type Drive = (shape: LoadShape, onSecond?: BenchmarkConfig['onSecond']) => Promise<RunStats>;

/**
 * Opens one connection pool to `url`, warms it up (connections opened, both sides' JIT warm) with
 * `warmupMs` of load at `warmupRate` whose figures are discarded, then hands `use` a driver for the measured
 * runs. Without the warm-up the first second's connection set-up and compilation land in the p99.
 */
async function withTarget<T>(
  url: string,
  scenario: PreparedScenario,
  config: BenchmarkConfig,
  warmupRate: number,
  use: (drive: Drive) => Promise<T>,
): Promise<T> {
  const target = createHttpTarget({
    url,
    connections: config.connections,
    pipelining: config.pipelining,
    timeoutMs: config.timeoutMs,
    allowedHosts: config.allowedHosts,
  });
  const pickUser = createUserSelector(config.users, config.distribution);
  const driveWith =
    (rng: Rng): Drive =>
    (shape, onSecond) => {
      const nextRequest = () => scenario.nextRequest(pickUser(rng), rng);
      if (config.mode === 'closed') {
        return runClosedLoop({
          target,
          nextRequest,
          virtualUsers: config.virtualUsers,
          durationMs: shapeDurationMs(shape),
          thinkTimeMs: config.thinkTimeMs,
          thinkTime: config.arrival,
          rng: rng.fork(),
          onSecond,
        });
      }
      return runOpenLoop({
        target,
        nextRequest,
        shape,
        arrival: config.arrival,
        rng: rng.fork(),
        maxBacklog: config.maxBacklog,
        drainTimeoutMs: config.timeoutMs + 1_000,
        onSecond,
      });
    };
  try {
    // The warm-up draws from its own generator, so the measured run sends the same requests with or without it.
    if (config.warmupMs > 0 && warmupRate > 0)
      await driveWith(createRng(~config.seed))(constantShape(warmupRate, config.warmupMs));
    return await use(driveWith(createRng(config.seed)));
  } finally {
    await target.close();
  }
}

const firstRate = (shape: LoadShape): number => shape.segments.find((s) => s.fromRate > 0 || s.toRate > 0)?.toRate ?? 0;

/** Runs `shape` (or the closed loop for its duration) against `url`, after the warm-up. */
function measure(
  url: string,
  scenario: PreparedScenario,
  config: BenchmarkConfig,
  shape: LoadShape,
  onSecond?: BenchmarkConfig['onSecond'],
) {
  const warmupRate = config.mode === 'closed' ? 1 : shape.segments[0]?.fromRate || firstRate(shape);
  return withTarget(url, scenario, config, warmupRate, (drive) => drive(shape, onSecond));
}

function search(
  url: string,
  scenario: PreparedScenario,
  config: BenchmarkConfig,
  settings: SearchSettings,
  label: string,
) {
  // The search is open loop whatever the mode: only a fixed asked rate makes "sustains rate R" meaningful.
  // One pool for all steps, warmed up once at the start rate.
  const openConfig = { ...config, mode: 'open' as const };
  return withTarget(url, scenario, openConfig, settings.startRate, (drive) =>
    findMaxRate({
      ...settings,
      runStep: (rate) => drive(constantShape(rate, settings.stepDurationMs)),
      onStep: (step) => config.onStep?.(step, label),
    }),
  );
}

/**
 * Concatenates the steps' per-second series into one timeline for the chart. Each step's drain (the
 * stragglers answered after its last intended send) is left out of the timeline, where it would show as a
 * near-empty second between steps; those requests are still in the step's totals and percentiles.
 */
function stepSeries(result: FindMaxResult): SecondPoint[] {
  const series: SecondPoint[] = [];
  for (const step of result.steps) {
    const offset = series.length;
    const seconds = Math.ceil(step.stats.durationMs / 1000);
    for (const point of step.stats.series.slice(0, seconds)) series.push({ ...point, second: offset + point.second });
  }
  return series;
}

/** The statistics a find-max report shows in full: the highest passing step, else the first step. */
function headlineStep(result: FindMaxResult): RunStats {
  const passing = result.steps.filter((s) => s.passed && s.rate === result.maxSustainedRate);
  const step = passing[0] ?? result.steps[0];
  if (!step) throw new Error('find-max ran no steps (is startRate above maxRate?)');
  return step.stats;
}

export async function runBenchmark(config: BenchmarkConfig): Promise<Report> {
  const log = config.log ?? (() => {});
  checkBounded(config);
  const ownServer = config.url === undefined && config.scenario === 'ceiling' ? await startCeilingServer() : undefined;
  try {
    const url = config.url ?? ownServer?.url;
    if (url === undefined) throw new RangeError('a target URL is required (only the ceiling scenario starts its own)');
    const baseUrl = new URL(url);
    const social = config.social;
    const scenario = await prepareNamedScenario(
      config.scenario,
      {
        path: config.path ?? urlPath(baseUrl),
        expectedStatuses: config.expectedStatuses,
        population: social ? (context) => preparePopulation(context.baseUrl.origin, { log, ...social }) : undefined,
      },
      { baseUrl: new URL(baseUrl.origin), rng: createRng(config.seed), users: config.users },
    );
    try {
      return await runPrepared(
        { ...config, users: scenario.users ?? config.users },
        scenario,
        baseUrl,
        url,
        ownServer !== undefined,
        log,
      );
    } finally {
      await scenario.close();
    }
  } finally {
    await ownServer?.close();
  }
}

async function runPrepared(
  config: BenchmarkConfig,
  scenario: PreparedScenario,
  baseUrl: URL,
  url: string,
  ownServer: boolean,
  log: (line: string) => void,
): Promise<Report> {
  let stats: RunStats;
  let series: SecondPoint[];
  let findMax: Report['findMax'] = null;
  if (config.search) {
    log(`find-max: ${scenario.name} against ${baseUrl.origin}, p99 objective ${config.search.sloP99Ms} ms`);
    const result = await search(baseUrl.origin, scenario, config, config.search, scenario.name);
    findMax = toFindMaxSummary(result, config.search.sloP99Ms, config.search.maxErrorRate);
    stats = headlineStep(result);
    series = stepSeries(result);
  } else {
    log(`run: ${scenario.name} against ${baseUrl.origin}`);
    stats = await measure(baseUrl.origin, scenario, config, config.shape, config.onSecond);
    series = stats.series;
  }

  let ceiling: Report['ceiling'] = null;
  if (config.ceiling) ceiling = await measureCeiling(config, config.ceiling, !config.search, log);

  return buildReport({
    kind: config.search ? 'find-max' : 'run',
    scenario: { name: scenario.name, description: scenario.description },
    targetUrl: ownServer ? `${baseUrl.origin}/ (bare Fastify child process)` : url,
    settings: {
      mode: config.search ? 'open' : config.mode,
      arrival: config.arrival,
      shape: config.search ? constantShape(config.search.startRate, config.search.stepDurationMs) : config.shape,
      connections: config.connections,
      pipelining: config.pipelining,
      timeoutMs: config.timeoutMs,
      maxBacklog: config.maxBacklog,
      seed: config.seed,
      users: config.users,
      userDistribution:
        config.distribution.kind === 'zipf' ? `zipf(${config.distribution.exponent})` : config.distribution.kind,
      virtualUsers: config.mode === 'closed' && !config.search ? config.virtualUsers : null,
      thinkTimeMs: config.mode === 'closed' && !config.search ? config.thinkTimeMs : null,
      warmupMs: config.warmupMs,
      ...(config.social ? { graph: graphName(config.social.graph) } : {}),
    },
    stats,
    series,
    findMax,
    ceiling,
  });
}

/**
 * The ceiling with the run's own engine settings: the same load against bare Fastify (for latency ratios;
 * skipped for find-max, where no single load is "the same") and a find-max search on it (for the rate ratio).
 */
async function measureCeiling(
  config: BenchmarkConfig,
  settings: SearchSettings,
  sameLoad: boolean,
  log: (line: string) => void,
): Promise<NonNullable<Report['ceiling']>> {
  const server = await startCeilingServer();
  try {
    const scenario = await prepareScenario(ceilingScenario, {
      baseUrl: new URL(server.url),
      rng: createRng(config.seed),
      users: config.users,
    });
    log('ceiling: bare Fastify in a child process');
    const atSameLoad = sameLoad ? toRunSummary(await measure(server.url, scenario, config, config.shape)) : null;
    const result = await search(server.url, scenario, config, settings, 'ceiling');
    return {
      server: 'bare Fastify (one static JSON route) in a child process on 127.0.0.1',
      atSameLoad,
      maxSustainedRate: result.maxSustainedRate,
      search: toFindMaxSummary(result, settings.sloP99Ms, settings.maxErrorRate),
    };
  } finally {
    await server.close();
  }
}
