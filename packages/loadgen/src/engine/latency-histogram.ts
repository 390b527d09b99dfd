// HDR histograms (hdr-histogram-js) recording microseconds, summarised in milliseconds.
// HdrHistogram keeps a fixed relative precision (3 significant digits here) over the whole range, so a
// p99.9 of 4.012 s is as trustworthy as a p50 of 0.8 ms, in constant memory per histogram.
import hdr from 'hdr-histogram-js';

export type Histogram = ReturnType<typeof hdr.build>;

/** Highest recordable value: 10 minutes, in microseconds. Larger values are clamped (and reported as max). */
const HIGHEST_US = 600_000_000;

/**
 * A histogram for a whole run (32-bit counters), or a compact one (`packed`) for the per-second series,
 * where a long run holds hundreds of them.
 */
export function createHistogram(compact = false): Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
    bitBucketSize: compact ? 'packed' : 32,
    useWebAssembly: false,
  });
}

export function recordMs(histogram: Histogram, ms: number): void {
  histogram.recordValue(Math.min(HIGHEST_US, Math.max(1, Math.round(ms * 1000))));
}

export interface LatencySummary {
  count: number;
  /** Milliseconds; null when nothing was recorded (a percentile of nothing is not zero). */
  p50: number | null;
  p90: number | null;
  p99: number | null;
  p999: number | null;
  max: number | null;
  mean: number | null;
}

const ms = (us: number): number => Math.round(us) / 1000;

export function summarise(histogram: Histogram): LatencySummary {
  const count = histogram.totalCount;
  if (count === 0) return { count, p50: null, p90: null, p99: null, p999: null, max: null, mean: null };
  return {
    count,
    p50: ms(histogram.getValueAtPercentile(50)),
    p90: ms(histogram.getValueAtPercentile(90)),
    p99: ms(histogram.getValueAtPercentile(99)),
    p999: ms(histogram.getValueAtPercentile(99.9)),
    max: ms(histogram.maxValue),
    mean: ms(histogram.mean),
  };
}
