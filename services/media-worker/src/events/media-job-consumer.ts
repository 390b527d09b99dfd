// The worker loop: a durable, competing consumer on the MEDIA_JOBS work queue. Every replica calls
// this with the same durable name, so JetStream hands each job to exactly one of them at a time.
//
// Outcomes (docs/adr/0025-media-worker.md):
// - processed → publish `media.processed`, ack;
// - poison input (MediaRejectedError) → publish `media.processing_failed` with the reason, ack: the same
//   bytes would fail again, so it is never retried;
// - anything else (store or bus unreachable, ...) → throw: the bus naks with back-off and redelivers;
//   on the last allowed delivery the worker first publishes `processing-exhausted`, then throws, so the
//   job is dead-lettered and the media does not stay "processing" for ever.
// Results carry a deterministic msgId (`<mediaId>:processed` / `<mediaId>:failed`): a job processed
// twice (redelivered after a crash) publishes once, and the media service applies a result only while
// the media is still "processing".
import { createEvent } from '@scalegram/contracts/events';
import {
  MEDIA_WORKER_EVENT_SOURCE,
  MediaEventType,
  type MediaProcessedData,
  type MediaProcessingFailedData,
  MediaProcessRequestedData,
} from '@scalegram/contracts/media-events';
import type { Consumer, Delivery, DeliveryControl, MessageBus } from '@scalegram/queue/port';
import { Value } from 'typebox/value';
import { type FailureReason, MediaRejectedError, FailureReason as Reasons } from '../domain/failure-reason.ts';
import {
  jobSubject,
  jobsStreamOptions,
  type MediaStreams,
  PRODUCTION_MEDIA_STREAMS,
  resultSubject,
} from './media-streams.ts';

export const WORKER_DURABLE = 'media-worker';

export interface JobOutcome {
  mediaId: string;
  /** processed and rejected are final; retry will come back; exhausted gave up (dead-lettered). */
  outcome: 'processed' | 'rejected' | 'retry' | 'exhausted';
  reason?: FailureReason;
  deliveryCount: number;
  durationMs: number;
  kind: 'image' | 'video';
  error?: unknown;
}

export interface MediaJobConsumerOptions {
  bus: MessageBus;
  /** The pipeline: returns the result data, throws MediaRejectedError for poison input. */
  process: (job: MediaProcessRequestedData) => Promise<MediaProcessedData>;
  streams?: MediaStreams;
  /** Without an ack or heartbeat within this time, the job goes to another worker. */
  ackWaitMs: number;
  /** Deliveries before giving up (the bus adds one spare for the dead-letter step). */
  maxDeliver: number;
  /** Delay before the n-th redelivery; the last step repeats. */
  backoffMs: number[];
  /** Jobs this process runs at once (sharp uses a thread pool per job: 1 per core is plenty). */
  concurrency: number;
  /** How often a running job tells the broker it is still alive; default a third of ackWaitMs. */
  heartbeatMs?: number;
  /** Called when a valid job starts, before any work. */
  onStart?: (job: MediaProcessRequestedData, deliveryCount: number) => void;
  onOutcome?: (outcome: JobOutcome) => void;
  /** Where malformed jobs are reported (they are terminated, never processed). */
  onInvalidJob?: (delivery: Delivery) => void;
}

/** Provisions MEDIA_JOBS (idempotent) and starts consuming; `stop()` drains the current jobs. */
export async function startMediaJobConsumer(options: MediaJobConsumerOptions): Promise<Consumer> {
  const streams = options.streams ?? PRODUCTION_MEDIA_STREAMS;
  await options.bus.ensureStream(jobsStreamOptions(streams));
  const heartbeatMs = options.heartbeatMs ?? Math.max(100, Math.floor(options.ackWaitMs / 3));

  const publish = async (type: 'processed' | 'processingFailed', mediaId: string, data: unknown) => {
    const suffix = type === 'processed' ? 'processed' : 'failed';
    const event = createEvent({
      id: `${mediaId}:${suffix}`,
      type: MediaEventType[type],
      source: MEDIA_WORKER_EVENT_SOURCE,
      subject: mediaId,
      data,
    });
    await options.bus.publish(resultSubject(streams, type), event, { msgId: event.id });
  };
  const publishFailure = (mediaId: string, reason: FailureReason) =>
    publish('processingFailed', mediaId, { mediaId, reason } satisfies MediaProcessingFailedData);

  const handle = async (delivery: Delivery<MediaProcessRequestedData>, control: DeliveryControl) => {
    const job = delivery.event.data;
    if (!Value.Check(MediaProcessRequestedData, job)) {
      options.onInvalidJob?.(delivery);
      control.term('malformed media.process_requested job');
      return;
    }
    options.onStart?.(job, delivery.deliveryCount);
    const started = performance.now();
    const report = (outcome: JobOutcome['outcome'], extra: Partial<JobOutcome> = {}) =>
      options.onOutcome?.({
        mediaId: job.mediaId,
        kind: job.kind,
        outcome,
        deliveryCount: delivery.deliveryCount,
        durationMs: performance.now() - started,
        ...extra,
      });
    // Decoding a large image or probing a video can outlast the ack wait; without heartbeats the broker
    // would hand the job to a second worker while the first is still busy with it.
    const heartbeat = setInterval(() => control.working(), heartbeatMs);
    try {
      const result = await options.process(job);
      await publish('processed', job.mediaId, result);
      report('processed');
    } catch (error) {
      if (error instanceof MediaRejectedError) {
        await publishFailure(job.mediaId, error.reason);
        report('rejected', { reason: error.reason, error });
        return;
      }
      if (delivery.deliveryCount >= options.maxDeliver) {
        // Best effort: if even this publish fails, the bus still dead-letters the job below.
        await publishFailure(job.mediaId, Reasons.processingExhausted).catch(() => undefined);
        report('exhausted', { reason: Reasons.processingExhausted, error });
      } else {
        report('retry', { error });
      }
      throw error;
    } finally {
      clearInterval(heartbeat);
    }
  };

  return options.bus.consume<MediaProcessRequestedData>(
    {
      stream: streams.jobsStream,
      durable: WORKER_DURABLE,
      filterSubjects: [jobSubject(streams)],
      ackWaitMs: options.ackWaitMs,
      maxDeliver: options.maxDeliver,
      backoffMs: options.backoffMs,
      concurrency: options.concurrency,
      deadLetter: true,
    },
    handle,
  );
}
