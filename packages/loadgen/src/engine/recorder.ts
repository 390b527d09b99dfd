// Everything measured during a run: counters, status codes, error kinds, HDR histograms of latency
// (completion − intended send), service time (completion − actual send) and send lag (actual − intended),
// and a per-second series for the live progress line and the chart. Times are ms since the run started.
import type { Outcome } from './http-target.ts';
import { createHistogram, type Histogram, type LatencySummary, recordMs, summarise } from './latency-histogram.ts';

export interface SecondPoint {
  /** Seconds since the start: this point covers [second, second + 1). */
  second: number;
  /** Requests written to a connection in this second. */
  sent: number;
  /** Successful completions in this second. */
  ok: number;
  /** Failed completions (unexpected status, transport error, timeout) in this second. */
  errors: number;
  /** Requests due in this second that were never sent (backlog full, or the run ended). */
  dropped: number;
  /** Latency percentiles (ms, from intended send time) of this second's successful completions. */
  p50: number | null;
  p99: number | null;
}

export interface RunTotals {
  /** Requests the load shape called for. */
  scheduled: number;
  sent: number;
  ok: number;
  errors: number;
  dropped: number;
  /** Sent later than intended because every connection was busy (their latency includes the wait). */
  late: number;
}

/** The figures of one kind of request (a `label`), for scenarios that mix several. */
export interface RequestKindStats {
  ok: number;
  errors: number;
  errorsByKind: Record<string, number>;
  latency: LatencySummary;
}

export interface RunStats {
  durationMs: number;
  /** Until the last response arrived or the drain timeout expired. */
  elapsedMs: number;
  /** Mean asked rate (req/s) over the run; null in closed loop, where there is no asked rate. */
  askedRate: number | null;
  sentRate: number;
  okRate: number;
  /** (errors + dropped) / scheduled. */
  errorRate: number;
  totals: RunTotals;
  statusCodes: Record<string, number>;
  errorsByKind: Record<string, number>;
  /** Per request label (e.g. the three kinds in `mixed`); empty when the scenario labels nothing. Dropped requests were never built, so have no label. */
  byRequest: Record<string, RequestKindStats>;
  latency: LatencySummary;
  serviceTime: LatencySummary;
  sendLag: LatencySummary;
  series: SecondPoint[];
}

interface Bucket {
  sent: number;
  ok: number;
  errors: number;
  dropped: number;
  latency: Histogram | undefined;
}

export interface Recorder {
  scheduled(): void;
  sent(intendedMs: number, sentMs: number, late: boolean): void;
  completed(intendedMs: number, sentMs: number, doneMs: number, outcome: Outcome, label?: string): void;
  dropped(intendedMs: number, kind: string): void;
  /** The per-second point for second `index` (so far). */
  point(index: number): SecondPoint;
  stats(durationMs: number, elapsedMs: number, askedRate: number | null): RunStats;
}

const increment = (record: Record<string, number>, key: string): void => {
  record[key] = (record[key] ?? 0) + 1;
};

export function createRecorder(): Recorder {
  const totals: RunTotals = { scheduled: 0, sent: 0, ok: 0, errors: 0, dropped: 0, late: 0 };
  const statusCodes: Record<string, number> = {};
  const errorsByKind: Record<string, number> = {};
  const latency = createHistogram();
  const serviceTime = createHistogram();
  const sendLag = createHistogram();
  const buckets: Bucket[] = [];
  const kinds = new Map<
    string,
    { ok: number; errors: number; errorsByKind: Record<string, number>; latency: Histogram }
  >();
  const kind = (label: string) => {
    let entry = kinds.get(label);
    if (!entry) {
      entry = { ok: 0, errors: 0, errorsByKind: {}, latency: createHistogram(true) };
      kinds.set(label, entry);
    }
    return entry;
  };

  const bucket = (ms: number): Bucket => {
    const index = Math.max(0, Math.floor(ms / 1000));
    while (buckets.length <= index) buckets.push({ sent: 0, ok: 0, errors: 0, dropped: 0, latency: undefined });
    return buckets[index] as Bucket;
  };

  const point = (index: number): SecondPoint => {
    const b = buckets[index];
    const summary = b?.latency ? summarise(b.latency) : undefined;
    return {
      second: index,
      sent: b?.sent ?? 0,
      ok: b?.ok ?? 0,
      errors: b?.errors ?? 0,
      dropped: b?.dropped ?? 0,
      p50: summary?.p50 ?? null,
      p99: summary?.p99 ?? null,
    };
  };

  return {
    scheduled: () => {
      totals.scheduled++;
    },
    sent(intendedMs, sentMs, late) {
      totals.sent++;
      if (late) totals.late++;
      recordMs(sendLag, sentMs - intendedMs);
      bucket(sentMs).sent++;
    },
    completed(intendedMs, sentMs, doneMs, outcome, label) {
      if (outcome.status !== undefined) increment(statusCodes, String(outcome.status));
      const b = bucket(doneMs);
      const k = label === undefined ? undefined : kind(label);
      if (!outcome.ok) {
        // A failure is counted, never folded into the latency figures: a fast 500 must not look like a fast success.
        totals.errors++;
        b.errors++;
        increment(errorsByKind, outcome.errorKind);
        if (k) {
          k.errors++;
          increment(k.errorsByKind, outcome.errorKind);
        }
        return;
      }
      totals.ok++;
      b.ok++;
      if (k) {
        k.ok++;
        recordMs(k.latency, doneMs - intendedMs);
      }
      recordMs(latency, doneMs - intendedMs);
      recordMs(serviceTime, doneMs - sentMs);
      b.latency ??= createHistogram(true);
      recordMs(b.latency, doneMs - intendedMs);
    },
    dropped(intendedMs, kind) {
      totals.dropped++;
      bucket(intendedMs).dropped++;
      increment(errorsByKind, kind);
    },
    point,
    stats(durationMs, elapsedMs, askedRate) {
      const seconds = durationMs / 1000;
      return {
        durationMs,
        elapsedMs,
        askedRate,
        sentRate: totals.sent / seconds,
        okRate: totals.ok / seconds,
        errorRate: totals.scheduled === 0 ? 0 : (totals.errors + totals.dropped) / totals.scheduled,
        totals: { ...totals },
        statusCodes: { ...statusCodes },
        errorsByKind: { ...errorsByKind },
        byRequest: Object.fromEntries(
          [...kinds].map(([label, k]) => [
            label,
            { ok: k.ok, errors: k.errors, errorsByKind: { ...k.errorsByKind }, latency: summarise(k.latency) },
          ]),
        ),
        latency: summarise(latency),
        serviceTime: summarise(serviceTime),
        sendLag: summarise(sendLag),
        series: buckets.map((_, index) => point(index)),
      };
    },
  };
}
