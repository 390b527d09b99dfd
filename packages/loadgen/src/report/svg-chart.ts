// The chart: latency percentiles (top, log scale, because a queue takes latency from milliseconds to
// seconds and a linear axis would flatten everything below the worst second) and throughput (bottom,
// linear) against seconds since the start. Hand-written SVG: a few paths and labels, no charting library.
import type { SecondPoint } from '../engine/recorder.ts';
import type { Report } from './schema.ts';

const WIDTH = 960;
const PANEL_HEIGHT = 220;
const LEFT = 72;
const RIGHT = 150;
const TOP = 48;
const GAP = 56;
const PLOT_WIDTH = WIDTH - LEFT - RIGHT;

interface Line {
  id: string;
  label: string;
  colour: string;
  value: (p: SecondPoint) => number | null;
}

const LATENCY: Line[] = [
  { id: 'latency-p50', label: 'p50 latency', colour: '#1f77b4', value: (p) => p.p50 },
  { id: 'latency-p99', label: 'p99 latency', colour: '#d62728', value: (p) => p.p99 },
];
const THROUGHPUT: Line[] = [
  { id: 'throughput-sent', label: 'sent/s', colour: '#7f7f7f', value: (p) => p.sent },
  { id: 'throughput-ok', label: 'ok/s', colour: '#2ca02c', value: (p) => p.ok },
  { id: 'throughput-errors', label: 'errors/s', colour: '#ff7f0e', value: (p) => p.errors + p.dropped },
];

export function escapeXml(text: string): string {
  return text.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c,
  );
}

const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/** A path through the non-null points; a missing value (a second with no successes) breaks the line. */
function pathData(series: SecondPoint[], line: Line, x: (s: number) => number, y: (v: number) => number): string {
  const parts: string[] = [];
  let pen = 'M';
  for (const point of series) {
    const value = line.value(point);
    if (value === null) {
      pen = 'M';
      continue;
    }
    // Each point sits in the middle of its second.
    parts.push(`${pen}${fmt(x(point.second + 0.5))},${fmt(y(value))}`);
    pen = 'L';
  }
  return parts.join(' ');
}

function panel(
  out: string[],
  top: number,
  title: string,
  series: SecondPoint[],
  lines: Line[],
  scale: { y: (v: number) => number; ticks: number[]; tickLabel: (v: number) => string },
  x: (s: number) => number,
  seconds: number,
): void {
  out.push(`<g class="panel" data-panel="${escapeXml(title)}">`);
  out.push(`<text x="${LEFT}" y="${top - 10}" font-size="13" font-weight="bold">${escapeXml(title)}</text>`);
  out.push(`<rect x="${LEFT}" y="${top}" width="${PLOT_WIDTH}" height="${PANEL_HEIGHT}" fill="none" stroke="#ccc"/>`);
  for (const tick of scale.ticks) {
    const ty = fmt(scale.y(tick));
    out.push(`<line x1="${LEFT}" x2="${LEFT + PLOT_WIDTH}" y1="${ty}" y2="${ty}" stroke="#eee"/>`);
    out.push(
      `<text x="${LEFT - 6}" y="${ty}" font-size="11" text-anchor="end" dominant-baseline="middle">${scale.tickLabel(tick)}</text>`,
    );
  }
  const step = Math.max(1, Math.ceil(seconds / 12));
  for (let s = 0; s <= seconds; s += step) {
    out.push(`<text x="${fmt(x(s))}" y="${top + PANEL_HEIGHT + 16}" font-size="11" text-anchor="middle">${s}s</text>`);
  }
  lines.forEach((line, i) => {
    out.push(
      `<path data-series="${line.id}" d="${pathData(series, line, x, scale.y)}" fill="none" stroke="${line.colour}" stroke-width="2"/>`,
    );
    const ly = top + 14 + i * 18;
    out.push(
      `<line x1="${LEFT + PLOT_WIDTH + 12}" x2="${LEFT + PLOT_WIDTH + 32}" y1="${ly}" y2="${ly}" stroke="${line.colour}" stroke-width="2"/>`,
    );
    out.push(
      `<text x="${LEFT + PLOT_WIDTH + 38}" y="${ly}" font-size="12" dominant-baseline="middle">${line.label}</text>`,
    );
  });
  out.push('</g>');
}

export function renderSvg(report: Report): string {
  const series = report.series;
  const seconds = Math.max(1, series.length);
  const x = (s: number) => LEFT + (s / seconds) * PLOT_WIDTH;

  // Latency: log10 axis spanning whole decades around the data.
  const latencies = series.flatMap((p) => [p.p50, p.p99]).filter((v): v is number => v !== null && v > 0);
  const lo = 10 ** Math.floor(Math.log10(Math.min(...latencies, 1)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...latencies, 10)));
  const latencyTop = TOP;
  const yLatency = (v: number) =>
    latencyTop +
    PANEL_HEIGHT -
    ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * PANEL_HEIGHT;
  const decades: number[] = [];
  for (let d = lo; d <= hi * 1.0001; d *= 10) decades.push(d);

  // Throughput: linear from zero to a round number above the peak.
  const peak = Math.max(1, ...series.flatMap((p) => [p.sent, p.ok, p.errors + p.dropped]));
  const magnitude = 10 ** Math.floor(Math.log10(peak));
  const ceilingValue = Math.ceil(peak / magnitude) * magnitude;
  const throughputTop = TOP + PANEL_HEIGHT + GAP;
  const yThroughput = (v: number) => throughputTop + PANEL_HEIGHT - (v / ceilingValue) * PANEL_HEIGHT;
  const throughputTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * ceilingValue);

  const height = throughputTop + PANEL_HEIGHT + 36;
  const title = `${report.scenario.name} — ${report.target.url} — ${report.date}`;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">`,
    `<title>${escapeXml(title)}</title>`,
    '<rect width="100%" height="100%" fill="white"/>',
    `<text x="${LEFT}" y="20" font-size="14">${escapeXml(title)}</text>`,
  ];
  panel(
    out,
    latencyTop,
    'Latency from intended send time (ms, log scale)',
    series,
    LATENCY,
    {
      y: yLatency,
      ticks: decades,
      tickLabel: (v) => (v < 1 ? String(Number(v.toPrecision(1))) : v.toLocaleString('en-US')),
    },
    x,
    seconds,
  );
  panel(
    out,
    throughputTop,
    'Throughput (requests per second)',
    series,
    THROUGHPUT,
    { y: yThroughput, ticks: throughputTicks, tickLabel: (v) => Math.round(v).toLocaleString('en-US') },
    x,
    seconds,
  );
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
