// Creating an upload and completing it (design flow steps 1 and 3). The bytes never pass through
// here: the client sends them straight to the file store with the presigned URL (ADR 0024).

import { NotFoundError } from '@scalegram/contracts/errors';
import type { MediaUpload } from '@scalegram/contracts/media';
import { HttpProblem } from '@scalegram/kit/http-problem';
import { LOGICAL_SHARDS } from '@scalegram/relational/id-generator';
import { decideUpload, originalKey, uploadMismatch } from '../domain/media-policy.ts';
import { enqueueProcessRequested } from '../events/media-event-outbox.ts';
import type { MediaContext } from '../media-context.ts';
import { mediaNotFound } from '../queries/media-view.ts';
import { findMedia, insertMedia, type MediaRow, transitionStatus } from '../store/media-repository.ts';

export function assertOwner(row: MediaRow, userId: string): void {
  if (row.owner_id !== userId) {
    throw new HttpProblem(403, 'not-media-owner', 'Forbidden', { detail: 'Only the owner may change this media.' });
  }
}

export async function createUpload(
  context: MediaContext,
  ownerId: string,
  declared: { contentType: string; size: number },
): Promise<MediaUpload> {
  const decision = decideUpload(declared, context.limits);
  if (!decision.ok && decision.reason === 'unsupported-type') {
    throw new HttpProblem(415, 'unsupported-media-type', 'Unsupported Media Type', {
      detail: `${declared.contentType} cannot be uploaded; allowed: ${decision.allowed.join(', ')}`,
      extra: { allowed: decision.allowed },
    });
  }
  if (!decision.ok) {
    throw new HttpProblem(413, 'media-too-large', 'Content Too Large', {
      // "an image", "a video": the article follows the kind.
      detail: `${decision.kind === 'image' ? 'an' : 'a'} ${decision.kind} may have at most ${decision.maxBytes} bytes`,
      extra: { maxBytes: decision.maxBytes },
    });
  }
  // Media ids carry the owner's logical shard, like posts: harmless here, and it keeps one id scheme.
  const id = await context.ids.nextString(Number(BigInt(ownerId) % BigInt(LOGICAL_SHARDS)));
  const objectKey = originalKey(ownerId, id);
  // Presigning is pure computation (no request to the store), so do it before the insert: a failure
  // here leaves no orphan row.
  const upload = await context.store.presignPut(objectKey, {
    contentType: decision.contentType,
    contentLength: declared.size,
    expiresInSeconds: context.uploadExpiresInSeconds,
  });
  await insertMedia(context.database.db, {
    id,
    ownerId,
    kind: decision.kind,
    contentType: decision.contentType,
    size: declared.size,
    objectKey,
  });
  return {
    id,
    uploadUrl: upload.url,
    uploadMethod: 'PUT',
    uploadHeaders: { ...upload.headers },
    expiresAt: upload.expiresAt.toISOString(),
  };
}

function alreadyProcessed(row: MediaRow): HttpProblem {
  return new HttpProblem(409, 'already-processed', 'Conflict', {
    detail: `media ${row.id} is already ${row.status}`,
    extra: { status: row.status },
  });
}

/**
 * Verifies the uploaded object and queues the processing job. Idempotent: a repeated call while the
 * job is pending answers the same and queues nothing; after processing it is a 409.
 */
export async function completeUpload(
  context: MediaContext,
  userId: string,
  id: string,
): Promise<{ id: string; status: 'processing' }> {
  const row = await findMedia(context.database.db, id);
  if (row === undefined) throw mediaNotFound(id);
  assertOwner(row, userId);
  if (row.status === 'processing') return { id, status: 'processing' };
  if (row.status !== 'pending') throw alreadyProcessed(row);

  const stored = await context.store.head(row.object_key).catch((error: unknown) => {
    if (error instanceof NotFoundError) {
      throw new HttpProblem(409, 'upload-missing', 'Conflict', {
        detail: 'Nothing has been uploaded yet: PUT the bytes to the upload URL first.',
      });
    }
    throw error;
  });
  const mismatch = uploadMismatch({ contentType: row.content_type, size: Number(row.size) }, stored);
  if (mismatch !== undefined) {
    // Never keep bytes that differ from what was checked: delete them, so that a new upload (with
    // the same URL, while it lasts) starts clean and nothing unchecked reaches the worker.
    await context.store.delete(row.object_key);
    throw new HttpProblem(422, 'upload-mismatch', 'Unprocessable Content', { detail: mismatch });
  }

  const moved = await context.database.transaction(async (trx) => {
    // Compare-and-set: of two concurrent completes, only one moves the row and queues the job.
    const updated = await transitionStatus(trx, id, 'pending', { status: 'processing' });
    if (updated === undefined) return undefined;
    await enqueueProcessRequested(trx, {
      mediaId: id,
      ownerId: updated.owner_id,
      objectKey: updated.object_key,
      declaredContentType: updated.content_type,
      declaredSize: Number(updated.size),
      kind: updated.kind,
    });
    return updated;
  });
  if (moved !== undefined) return { id, status: 'processing' };
  // Lost the race: answer according to where the winner left the row.
  const now = await findMedia(context.database.db, id);
  if (now === undefined) throw mediaNotFound(id);
  if (now.status === 'processing') return { id, status: 'processing' };
  throw alreadyProcessed(now);
}
