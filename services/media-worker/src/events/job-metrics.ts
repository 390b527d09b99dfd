// Prometheus metrics of the job loop, on the app's registry (served at /metrics): how many jobs end in
// each outcome and how long they take. Rejections are labelled by reason, a short fixed list.
import { Counter, Histogram, type Registry } from 'prom-client';
import type { JobOutcome } from './media-job-consumer.ts';

export function createJobMetrics(registry: Registry): (outcome: JobOutcome) => void {
  const jobs = new Counter({
    name: 'media_jobs_total',
    help: 'Media processing attempts by kind, outcome and failure reason',
    labelNames: ['kind', 'outcome', 'reason'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'media_job_duration_seconds',
    help: 'Time from picking up a media job to its outcome',
    labelNames: ['kind', 'outcome'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [registry],
  });
  return (outcome) => {
    jobs.inc({ kind: outcome.kind, outcome: outcome.outcome, reason: outcome.reason ?? '' });
    duration.observe({ kind: outcome.kind, outcome: outcome.outcome }, outcome.durationMs / 1000);
  };
}
