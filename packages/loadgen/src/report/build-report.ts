// Turns engine results into the report document (schema.ts): strips the per-second series out of run
// statistics, summarises find-max steps, and computes the ratios to the ceiling.
import type { FindMaxResult } from '../engine/find-max.ts';
import type { RunStats } from '../engine/recorder.ts';
import { machineInfo } from './machine.ts';
import type { FindMaxSummary, Report, RunSummary } from './schema.ts';

export function toRunSummary(stats: RunStats): RunSummary {
  const { series: _series, ...summary } = stats;
  return summary;
}

export function toFindMaxSummary(result: FindMaxResult, sloP99Ms: number, maxErrorRate: number): FindMaxSummary {
  return {
    sloP99Ms,
    maxErrorRate,
    maxSustainedRate: result.maxSustainedRate,
    steps: result.steps.map((step) => ({
      rate: step.rate,
      passed: step.passed,
      reasons: step.reasons,
      okRate: step.stats.okRate,
      errorRate: step.stats.errorRate,
      p50: step.stats.latency.p50,
      p99: step.stats.latency.p99,
      sendLagP99: step.stats.sendLag.p99,
    })),
  };
}

/** a / b, or null when either is missing or b is zero (a ratio to nothing is not a number worth printing). */
const ratio = (a: number | null | undefined, b: number | null | undefined): number | null =>
  a === null || a === undefined || b === null || b === undefined || b === 0 ? null : Math.round((a / b) * 1000) / 1000;

export function ceilingRatios(
  result: RunSummary,
  findMax: FindMaxSummary | null,
  ceiling: NonNullable<Report['ceiling']>,
): NonNullable<Report['ratios']> {
  return {
    okRateToCeilingMax: findMax ? null : ratio(result.okRate, ceiling.maxSustainedRate),
    maxRateToCeilingMax: findMax ? ratio(findMax.maxSustainedRate, ceiling.maxSustainedRate) : null,
    p50ToCeiling: ratio(result.latency.p50, ceiling.atSameLoad?.latency.p50),
    p99ToCeiling: ratio(result.latency.p99, ceiling.atSameLoad?.latency.p99),
  };
}

export interface ReportParts {
  kind: Report['kind'];
  scenario: Report['scenario'];
  targetUrl: string;
  settings: Report['settings'];
  stats: RunStats;
  series: RunStats['series'];
  findMax: FindMaxSummary | null;
  ceiling: Report['ceiling'];
  date?: Date;
}

export function buildReport(parts: ReportParts): Report {
  const result = toRunSummary(parts.stats);
  return {
    schemaVersion: 1,
    kind: parts.kind,
    date: (parts.date ?? new Date()).toISOString(),
    scenario: parts.scenario,
    target: { url: parts.targetUrl },
    machine: machineInfo(),
    settings: parts.settings,
    result,
    series: parts.series,
    findMax: parts.findMax,
    ceiling: parts.ceiling,
    ratios: parts.ceiling ? ceilingRatios(result, parts.findMax, parts.ceiling) : null,
  };
}
