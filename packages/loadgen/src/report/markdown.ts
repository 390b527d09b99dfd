// The Markdown summary: the table that goes into docs/benchmarks.md, with the command's context
// (scenario, target, machine, settings) and, when measured, the ceiling beside every figure as a ratio.
import type { LatencySummary } from '../engine/latency-histogram.ts';
import type { Report } from './schema.ts';

const num = (value: number | null | undefined, digits = 0): string =>
  value === null || value === undefined
    ? '–'
    : value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (value: number | null | undefined): string =>
  num(value, value !== null && value !== undefined && value < 10 ? 2 : 1);
const pct = (value: number): string => `${(value * 100).toFixed(2)} %`;
/** Two significant digits, so that a ratio of 0.001 reads 0.0010, not 0.00. */
export const ratio = (a: number | null | undefined, b: number | null | undefined): string =>
  a === null || a === undefined || b === null || b === undefined || b === 0 ? '–' : (a / b).toPrecision(2);

const PERCENTILES: Array<[keyof LatencySummary, string]> = [
  ['p50', 'p50'],
  ['p90', 'p90'],
  ['p99', 'p99'],
  ['p999', 'p99.9'],
  ['max', 'max'],
];

function countsLine(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort(([, a], [, b]) => b - a);
  return entries.length === 0 ? 'none' : entries.map(([key, n]) => `${key} × ${num(n)}`).join(', ');
}

export function renderMarkdown(report: Report): string {
  const { result, ceiling, settings, machine } = report;
  const base = ceiling?.atSameLoad ?? null;
  const lines: string[] = [];
  lines.push(`### ${report.scenario.name} — ${report.kind === 'find-max' ? 'highest sustained rate' : 'fixed load'}`);
  lines.push('');
  lines.push(`${report.scenario.description}. Target ${report.target.url}.`);
  lines.push(
    `${settings.mode === 'open' ? `Open loop, ${settings.arrival} arrivals` : `Closed loop, ${settings.virtualUsers} virtual users, think ${settings.thinkTimeMs} ms`}, ` +
      `${settings.connections} connections, seed ${settings.seed}, ${settings.users} users (${settings.userDistribution})${settings.graph ? ` of ${settings.graph}` : ''}. ` +
      `${machine.cores} × ${machine.cpuModel}, Node ${machine.node}, ${report.date}.`,
  );
  lines.push('');

  if (report.findMax) {
    const f = report.findMax;
    lines.push(`Objective: p99 ≤ ${f.sloP99Ms} ms and errors ≤ ${pct(f.maxErrorRate)}.`);
    lines.push('');
    lines.push('| asked req/s | ok req/s | errors | p50 (ms) | p99 (ms) | send lag p99 (ms) | verdict |');
    lines.push('|---:|---:|---:|---:|---:|---:|---|');
    for (const s of f.steps) {
      lines.push(
        `| ${num(s.rate)} | ${num(s.okRate)} | ${pct(s.errorRate)} | ${ms(s.p50)} | ${ms(s.p99)} | ${ms(s.sendLagP99)} | ${s.passed ? 'pass' : s.reasons.join('; ')} |`,
      );
    }
    lines.push('');
    const ceilingMax = ceiling
      ? ` — ceiling (bare Fastify) ${num(ceiling.maxSustainedRate)} req/s, ratio **${ratio(f.maxSustainedRate, ceiling.maxSustainedRate)}**`
      : '';
    lines.push(`**Highest sustained rate: ${num(f.maxSustainedRate)} req/s**${ceilingMax}.`);
    lines.push('');
    lines.push('Full figures of the highest passing step:');
    lines.push('');
  }

  const withCeiling = base !== null;
  lines.push(withCeiling ? '| metric | this run | ceiling (bare Fastify) | run / ceiling |' : '| metric | value |');
  lines.push(withCeiling ? '|---|---:|---:|---:|' : '|---|---:|');
  const row = (label: string, value: string, ceilingValue = '', r = '') =>
    lines.push(withCeiling ? `| ${label} | ${value} | ${ceilingValue} | ${r} |` : `| ${label} | ${value} |`);
  if (result.askedRate !== null) row('asked (req/s)', num(result.askedRate), num(base?.askedRate), '');
  row('ok (req/s)', num(result.okRate), num(base?.okRate), ratio(result.okRate, base?.okRate));
  row(
    'errors',
    `${num(result.totals.errors + result.totals.dropped)} (${pct(result.errorRate)})`,
    base ? pct(base.errorRate) : '',
  );
  for (const [key, label] of PERCENTILES) {
    row(
      `latency ${label} (ms)`,
      ms(result.latency[key]),
      ms(base?.latency[key]),
      ratio(result.latency[key], base?.latency[key]),
    );
  }
  for (const [key, label] of PERCENTILES.slice(0, 3)) {
    row(
      `service time ${label} (ms)`,
      ms(result.serviceTime[key]),
      ms(base?.serviceTime[key]),
      ratio(result.serviceTime[key], base?.serviceTime[key]),
    );
  }
  lines.push('');
  if (ceiling && report.kind === 'run') {
    lines.push(
      `Ceiling's highest sustained rate: ${num(ceiling.maxSustainedRate)} req/s; this run's ok rate is ` +
        `**${ratio(result.okRate, ceiling.maxSustainedRate)}** of it.`,
    );
    lines.push('');
  }
  const kinds = Object.entries(result.byRequest);
  if (kinds.length > 1) {
    lines.push('| request | ok | errors | latency p50 (ms) | p99 (ms) |');
    lines.push('|---|---:|---:|---:|---:|');
    for (const [label, k] of kinds.sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`| ${label} | ${num(k.ok)} | ${num(k.errors)} | ${ms(k.latency.p50)} | ${ms(k.latency.p99)} |`);
    }
    lines.push('');
  }
  lines.push(`Status codes: ${countsLine(result.statusCodes)}. Errors by kind: ${countsLine(result.errorsByKind)}.`);
  lines.push(
    `Requests: ${num(result.totals.scheduled)} scheduled, ${num(result.totals.sent)} sent (${num(result.totals.late)} late ` +
      `for want of a free connection), ${num(result.totals.dropped)} dropped.`,
  );
  lines.push('');
  lines.push(
    "Latency is measured from each request's intended send time (coordinated-omission corrected); " +
      'service time from its actual send.',
  );
  return `${lines.join('\n')}\n`;
}
