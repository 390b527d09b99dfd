// What the media service announces, written to the outbox inside the transaction of the change it
// describes: the job exists if and only if the status moved to `processing`, and an outcome if and
// only if the status moved to `ready`/`failed` or the row was deleted (docs/adr/0006-outbox-relay.md).
import { createEvent } from '@scalegram/contracts/events';
import {
  MEDIA_EVENT_SOURCE,
  MEDIA_JOB_SUBJECT,
  type MediaDeletedData,
  MediaEventType,
  type MediaFailedData,
  type MediaProcessRequestedData,
  type MediaReadyData,
} from '@scalegram/contracts/media-events';
import { enqueueEvents } from '@scalegram/relational/outbox';
import type { Transaction } from 'kysely';
import type { MediaDatabase } from '../store/schema.ts';

type Trx = Transaction<MediaDatabase>;

async function enqueue<D>(trx: Trx, type: string, busSubject: string, mediaId: string, data: D): Promise<void> {
  const event = createEvent({ type, source: MEDIA_EVENT_SOURCE, subject: mediaId, data });
  await enqueueEvents(trx, [event], { subject: busSubject });
}

/** The job goes to the work queue's subject, not to the type: MEDIA must not capture it. */
export const enqueueProcessRequested = (trx: Trx, data: MediaProcessRequestedData) =>
  enqueue(trx, MediaEventType.processRequested, MEDIA_JOB_SUBJECT, data.mediaId, data);

export const enqueueMediaReady = (trx: Trx, data: MediaReadyData) =>
  enqueue(trx, MediaEventType.ready, MediaEventType.ready, data.mediaId, data);

export const enqueueMediaFailed = (trx: Trx, data: MediaFailedData) =>
  enqueue(trx, MediaEventType.failed, MediaEventType.failed, data.mediaId, data);

export const enqueueMediaDeleted = (trx: Trx, data: MediaDeletedData) =>
  enqueue(trx, MediaEventType.deleted, MediaEventType.deleted, data.mediaId, data);
