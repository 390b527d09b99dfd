// Events of the media pipeline. Three groups, on two streams:
// - the job (media service → worker) on MEDIA_JOBS, a work queue: each job is handed to one worker;
// - the worker's results (worker → media service) on MEDIA, published directly by the worker;
// - the outcomes (media service → everyone) on MEDIA, through the media service's outbox.
// The worker only reports; the media service owns the state and announces it (docs/adr/0024).
import Type from 'typebox';
import { EVENT_RETENTION_MS, EventEnvelope, type StreamDefinition } from './events.ts';
import { Id } from './ids.ts';
import { MediaKind } from './media.ts';

export const MEDIA_EVENT_SOURCE = '/services/media';
export const MEDIA_WORKER_EVENT_SOURCE = '/services/media-worker';

export const MediaEventType = {
  processRequested: 'media.process_requested',
  processed: 'media.processed',
  processingFailed: 'media.processing_failed',
  ready: 'media.ready',
  failed: 'media.failed',
  deleted: 'media.deleted',
} as const;

/** The subject jobs are published on (captured by MEDIA_JOBS, and deliberately not by MEDIA). */
export const MEDIA_JOB_SUBJECT = 'media_jobs.process';

/** Results and outcomes; the subject of each is its type. */
export const MEDIA_STREAM = {
  name: 'MEDIA',
  subjects: ['media.ready', 'media.failed', 'media.deleted', 'media.processed', 'media.processing_failed'],
  retention: 'limits',
  maxAgeMs: EVENT_RETENTION_MS,
} as const satisfies StreamDefinition;

/** Processing jobs: a work queue, so a job is removed once one worker acknowledges it. */
export const MEDIA_JOBS_STREAM = {
  name: 'MEDIA_JOBS',
  subjects: [MEDIA_JOB_SUBJECT],
  retention: 'workqueue',
} as const satisfies StreamDefinition;

/** Job: process the uploaded original at `objectKey`. */
export const MediaProcessRequestedData = Type.Object({
  mediaId: Id,
  ownerId: Id,
  objectKey: Type.String(),
  declaredContentType: Type.String(),
  declaredSize: Type.Integer({ minimum: 1 }),
  kind: MediaKind,
});
export type MediaProcessRequestedData = Type.Static<typeof MediaProcessRequestedData>;

/** A variant the worker stored: the file-store key, not a URL (URLs are the media service's business). */
export const ProcessedVariant = Type.Object({
  key: Type.String(),
  width: Type.Integer({ minimum: 1 }),
  height: Type.Integer({ minimum: 1 }),
  contentType: Type.String(),
});
export type ProcessedVariant = Type.Static<typeof ProcessedVariant>;

/** Worker result; msgId `${mediaId}:processed`. */
export const MediaProcessedData = Type.Object({
  mediaId: Id,
  kind: MediaKind,
  /** Detected from the bytes. */
  contentType: Type.String(),
  width: Type.Integer({ minimum: 1 }),
  height: Type.Integer({ minimum: 1 }),
  durationMs: Type.Optional(Type.Integer({ minimum: 0 })),
  variants: Type.Record(Type.String(), ProcessedVariant),
  placeholder: Type.String({ description: 'ThumbHash, base64' }),
});
export type MediaProcessedData = Type.Static<typeof MediaProcessedData>;

/** Worker result; msgId `${mediaId}:failed`. */
export const MediaProcessingFailedData = Type.Object({ mediaId: Id, reason: Type.String({ minLength: 1 }) });
export type MediaProcessingFailedData = Type.Static<typeof MediaProcessingFailedData>;

export const MediaReadyData = Type.Object({ mediaId: Id, ownerId: Id });
export type MediaReadyData = Type.Static<typeof MediaReadyData>;

export const MediaFailedData = Type.Object({ mediaId: Id, ownerId: Id, reason: Type.String() });
export type MediaFailedData = Type.Static<typeof MediaFailedData>;

export const MediaDeletedData = Type.Object({ mediaId: Id, ownerId: Id });
export type MediaDeletedData = Type.Static<typeof MediaDeletedData>;

/** Envelope schemas, one per event type: the event catalog validates against these. */
export const MediaEvents = {
  [MediaEventType.processRequested]: EventEnvelope(MediaProcessRequestedData),
  [MediaEventType.processed]: EventEnvelope(MediaProcessedData),
  [MediaEventType.processingFailed]: EventEnvelope(MediaProcessingFailedData),
  [MediaEventType.ready]: EventEnvelope(MediaReadyData),
  [MediaEventType.failed]: EventEnvelope(MediaFailedData),
  [MediaEventType.deleted]: EventEnvelope(MediaDeletedData),
} as const;
