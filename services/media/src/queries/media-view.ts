// Media as the API shows it: a row plus URLs for its variants. Used by GET and the batch route.

import { NotFoundError } from '@scalegram/contracts/errors';
import type { Media, MediaVariant } from '@scalegram/contracts/media';
import type { MediaContext } from '../media-context.ts';
import { findManyMedia, findMedia, type MediaRow } from '../store/media-repository.ts';

export async function toMedia(context: Pick<MediaContext, 'urls'>, row: MediaRow): Promise<Media> {
  const variants: Record<string, MediaVariant> = {};
  // Only a ready item has usable variants; a failed one may have written some before failing.
  if (row.status === 'ready') {
    for (const [name, variant] of Object.entries(row.variants)) {
      variants[name] = {
        url: await context.urls.variantUrl(variant.key),
        width: variant.width,
        height: variant.height,
        contentType: variant.contentType,
      };
    }
  }
  return {
    id: row.id,
    ownerId: row.owner_id,
    status: row.status,
    kind: row.kind,
    contentType: row.content_type,
    size: Number(row.size),
    width: row.width,
    height: row.height,
    ...(row.duration_ms === null ? {} : { durationMs: row.duration_ms }),
    variants,
    ...(row.placeholder === null ? {} : { placeholder: row.placeholder }),
    ...(row.failure_reason === null ? {} : { failureReason: row.failure_reason }),
    createdAt: row.created_at.toISOString(),
  };
}

export function mediaNotFound(id: string): NotFoundError {
  return new NotFoundError(`media ${id} does not exist`, { code: 'media-not-found' });
}

export async function getMedia(context: MediaContext, id: string): Promise<Media> {
  const row = await findMedia(context.database.db, id);
  if (row === undefined) throw mediaNotFound(id);
  return toMedia(context, row);
}

/** In request order; unknown ids are left out, so the caller can tell which ones are missing. */
export async function getMediaBatch(context: MediaContext, ids: readonly string[]): Promise<Media[]> {
  const rows = new Map((await findManyMedia(context.database.db, ids)).map((row) => [row.id, row]));
  const items: Media[] = [];
  for (const id of ids) {
    const row = rows.get(id);
    if (row !== undefined) items.push(await toMedia(context, row));
  }
  return items;
}
