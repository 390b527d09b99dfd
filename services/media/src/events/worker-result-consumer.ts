// Consumes the worker's reports (media.processed / media.processing_failed on MEDIA, durables
// `media-service-*`) and turns them into state: the row moves from `processing` to `ready` or `failed`
// and, in the same transaction, `media.ready` / `media.failed` go to the outbox. Idempotent by that
// compare-and-set: a redelivered or duplicated report finds the row no longer `processing` and
// changes nothing (ADR 0024: the worker reports, the media service owns the state).
import { MediaEventType, MediaProcessedData, MediaProcessingFailedData } from '@scalegram/contracts/media-events';
import type { FileStore } from '@scalegram/file-store/port';
import type { Consumer, Delivery, DeliveryControl, MessageBus } from '@scalegram/queue/port';
import type { RelationalDatabase } from '@scalegram/relational/port';
import { Value } from 'typebox/value';
import { variantPrefix } from '../domain/media-policy.ts';
import { findMedia, transitionStatus } from '../store/media-repository.ts';
import type { MediaDatabase } from '../store/schema.ts';
import { enqueueMediaFailed, enqueueMediaReady } from './media-event-outbox.ts';
import { type MediaStreams, PRODUCTION_MEDIA_STREAMS } from './media-streams.ts';

export const MEDIA_SERVICE_DURABLE = 'media-service';

export interface ResultConsumerLogger {
  warn(details: Record<string, unknown>, message: string): void;
}

export interface StartWorkerResultConsumerOptions {
  database: RelationalDatabase<MediaDatabase>;
  store: FileStore;
  bus: MessageBus;
  streams?: MediaStreams;
  logger: ResultConsumerLogger;
}

type Context = Pick<StartWorkerResultConsumerOptions, 'database' | 'store' | 'logger'>;

async function onProcessed(context: Context, data: MediaProcessedData): Promise<void> {
  const { mediaId } = data;
  const transitioned = await context.database.transaction(async (trx) => {
    const row = await transitionStatus(trx, mediaId, 'processing', {
      status: 'ready',
      content_type: data.contentType,
      width: data.width,
      height: data.height,
      duration_ms: data.durationMs ?? null,
      variants: JSON.stringify(data.variants),
      placeholder: data.placeholder,
    });
    if (row !== undefined) await enqueueMediaReady(trx, { mediaId, ownerId: row.owner_id });
    return row !== undefined;
  });
  if (transitioned) return;
  // Deleted while the worker was busy: the variants it wrote afterwards belong to nobody.
  const row = await findMedia(context.database.db, mediaId);
  if (row === undefined) {
    for (const variant of Object.values(data.variants)) await context.store.delete(variant.key);
  }
}

async function onProcessingFailed(context: Context, data: MediaProcessingFailedData): Promise<void> {
  await context.database.transaction(async (trx) => {
    const row = await transitionStatus(trx, data.mediaId, 'processing', {
      status: 'failed',
      failure_reason: data.reason,
    });
    if (row !== undefined) {
      await enqueueMediaFailed(trx, { mediaId: data.mediaId, ownerId: row.owner_id, reason: data.reason });
    }
  });
}

/** Variant keys must lie under the item's own prefix: a report can never point URLs at other objects. */
function variantsInPlace(data: MediaProcessedData): boolean {
  return Object.values(data.variants).every((variant) => variant.key.startsWith(variantPrefix(data.mediaId)));
}

export async function handleWorkerResult(context: Context, delivery: Delivery, control: DeliveryControl) {
  const { type, data } = delivery.event;
  if (type === MediaEventType.processed && Value.Check(MediaProcessedData, data) && variantsInPlace(data)) {
    return onProcessed(context, data);
  }
  if (type === MediaEventType.processingFailed && Value.Check(MediaProcessingFailedData, data)) {
    return onProcessingFailed(context, data);
  }
  // Retrying a malformed report cannot help: dead-letter it and say so.
  context.logger.warn({ type, subject: delivery.subject, eventId: delivery.event.id }, 'malformed worker report');
  control.term('malformed worker report');
}

/**
 * One durable per report type (`media-service-processed`, `media-service-processing_failed`), each
 * with a single filter subject: several filters on one consumer need NATS 2.10, and an unfiltered
 * consumer would also pull every outcome this service itself publishes, only to skip it.
 */
export async function startWorkerResultConsumer(options: StartWorkerResultConsumerOptions): Promise<Consumer> {
  const streams = options.streams ?? PRODUCTION_MEDIA_STREAMS;
  const consumers: Consumer[] = [];
  for (const type of [MediaEventType.processed, MediaEventType.processingFailed]) {
    consumers.push(
      await options.bus.consume(
        {
          stream: streams.events,
          durable: `${MEDIA_SERVICE_DURABLE}-${type.slice('media.'.length)}`,
          filterSubjects: [streams.subjectPrefix + type],
          ackWaitMs: 30_000,
          maxDeliver: 10,
          backoffMs: [500, 2_000, 10_000, 30_000],
        },
        (delivery, control) => handleWorkerResult(options, delivery, control),
      ),
    );
  }
  return { stop: async () => void (await Promise.all(consumers.map((consumer) => consumer.stop()))) };
}
