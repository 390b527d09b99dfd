// Wires the pipeline to the job consumer, with logs and metrics on the app. server.ts calls it with
// adapters from configuration; the embedded all-in-one runner can call it with the shared in-process bus
// and the media service's local store. Stop it with the returned consumer's stop() (drains).

import type { FileStore } from '@scalegram/file-store/port';
import type { App } from '@scalegram/kit/app';
import type { Consumer, MessageBus } from '@scalegram/queue/port';
import { createJobMetrics } from './events/job-metrics.ts';
import { type JobOutcome, startMediaJobConsumer } from './events/media-job-consumer.ts';
import type { MediaStreams } from './events/media-streams.ts';
import { processMediaJob } from './pipeline/process-media-job.ts';
import type { VideoTools } from './pipeline/video-tools.ts';

export interface MediaWorkerOptions {
  app: App;
  bus: MessageBus;
  store: FileStore;
  streams: MediaStreams;
  maxInputPixels: number;
  videoTools: VideoTools | undefined;
  tempDirectory: string;
  concurrency: number;
  ackWaitMs: number;
  maxDeliver: number;
  backoffMs: number[];
  heartbeatMs?: number;
  /** Extra observer (tests count outcomes per worker). */
  onOutcome?: (outcome: JobOutcome) => void;
}

/**
 * Boots the app's plugins (its metrics registry is needed here) and starts consuming. Register the
 * app's onClose hooks before calling this: Fastify refuses new hooks once the app has booted.
 */
export async function startMediaWorker(options: MediaWorkerOptions): Promise<Consumer> {
  const { app } = options;
  await app.ready();
  if (!options.videoTools) {
    app.log.warn('ffmpeg/ffprobe not found: videos will fail with reason video-tools-unavailable (images are fine)');
  }
  const recordMetrics = createJobMetrics(app.metrics.registry);
  const onOutcome = (outcome: JobOutcome) => {
    recordMetrics(outcome);
    logOutcome(app, outcome);
    options.onOutcome?.(outcome);
  };
  return startMediaJobConsumer({
    bus: options.bus,
    streams: options.streams,
    ackWaitMs: options.ackWaitMs,
    maxDeliver: options.maxDeliver,
    backoffMs: options.backoffMs,
    concurrency: options.concurrency,
    ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
    onOutcome,
    onStart: (job, deliveryCount) =>
      app.log.info({ mediaId: job.mediaId, kind: job.kind, deliveryCount }, 'media job started'),
    onInvalidJob: (delivery) =>
      app.log.error({ streamSeq: delivery.streamSeq, eventId: delivery.event.id }, 'malformed media job terminated'),
    process: (job) =>
      processMediaJob(job, {
        store: options.store,
        maxInputPixels: options.maxInputPixels,
        videoTools: options.videoTools,
        tempDirectory: options.tempDirectory,
      }),
  });
}

function logOutcome(app: App, outcome: JobOutcome): void {
  const { error, ...fields } = outcome;
  const details = { ...fields, durationMs: Math.round(outcome.durationMs) };
  switch (outcome.outcome) {
    case 'processed':
      app.log.info(details, 'media processed');
      return;
    case 'rejected':
      app.log.warn({ ...details, detail: error instanceof Error ? error.message : undefined }, 'media rejected');
      return;
    case 'retry':
      app.log.warn({ ...details, err: error }, 'media job failed; it will be retried');
      return;
    case 'exhausted':
      app.log.error({ ...details, err: error }, 'media job failed on its last delivery; dead-lettered');
      return;
  }
}
