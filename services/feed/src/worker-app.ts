// The fan-out worker's HTTP side: probes and metrics only. No routes, no I/O here.
import { type App, type AppOptions, createApp } from '@scalegram/kit/app';
import type { LogLevel } from '@scalegram/kit/logging';
import type { KeyValueStore } from '@scalegram/kv/port';
import type { MessageBus } from '@scalegram/queue/port';

export const WORKER_NAME = 'feed-worker';
export const WORKER_VERSION = '0.1.0';

export interface FeedWorkerAppDeps {
  kv: KeyValueStore;
  bus: MessageBus;
  /** Ready when the jobs stream answers: the broker is reachable and the work queue exists. */
  jobsStream: string;
  logLevel?: LogLevel;
  logDestination?: AppOptions['logDestination'];
}

export function buildFeedWorkerApp(deps: FeedWorkerAppDeps): App {
  return createApp({
    name: WORKER_NAME,
    version: WORKER_VERSION,
    ...(deps.logLevel === undefined ? {} : { logLevel: deps.logLevel }),
    ...(deps.logDestination === undefined ? {} : { logDestination: deps.logDestination }),
    readinessChecks: [
      { name: 'redis', check: () => deps.kv.ping() },
      { name: 'bus', check: () => deps.bus.streamState(deps.jobsStream).then(() => undefined) },
    ],
  });
}
