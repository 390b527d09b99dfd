// The worker's HTTP side: probes and metrics only (kit's createApp). No routes, no I/O here; the job
// consumer is started by media-worker.ts once the app exists, so that its metrics and log share the app's.
import { type App, type AppOptions, createApp } from '@scalegram/kit/app';
import type { LogLevel } from '@scalegram/kit/logging';
import type { MessageBus } from '@scalegram/queue/port';

export const SERVICE_NAME = 'media-worker';
export const SERVICE_VERSION = '0.1.0';

export interface MediaWorkerAppDeps {
  bus: MessageBus;
  /** Ready when this stream answers: the broker is reachable and the work queue exists. */
  jobsStream: string;
  logLevel?: LogLevel;
  logDestination?: AppOptions['logDestination'];
}

export function buildMediaWorkerApp(deps: MediaWorkerAppDeps): App {
  return createApp({
    name: SERVICE_NAME,
    version: SERVICE_VERSION,
    ...(deps.logLevel === undefined ? {} : { logLevel: deps.logLevel }),
    ...(deps.logDestination === undefined ? {} : { logDestination: deps.logDestination }),
    // The object store is not a readiness check: an outage there makes jobs retry with back-off, and
    // taking every worker out of rotation would not help (workers receive no traffic to re-route).
    readinessChecks: [{ name: 'bus', check: () => deps.bus.streamState(deps.jobsStream).then(() => undefined) }],
  });
}
