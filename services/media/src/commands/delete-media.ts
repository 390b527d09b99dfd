// Deleting media (owner only): the objects first, then the row and `media.deleted` in one
// transaction. Object deletes are idempotent, so a failure half-way is repaired by calling again;
// the other order could lose the row that names the objects and leak them for ever.

import { variantPrefix } from '../domain/media-policy.ts';
import { enqueueMediaDeleted } from '../events/media-event-outbox.ts';
import type { MediaContext } from '../media-context.ts';
import { mediaNotFound } from '../queries/media-view.ts';
import { deleteMediaRow, findMedia } from '../store/media-repository.ts';
import { assertOwner } from './upload-commands.ts';

/** Removes every object stored for one media item: the original and whatever is under its variant prefix. */
export async function deleteMediaObjects(context: Pick<MediaContext, 'store'>, objectKey: string, mediaId: string) {
  await context.store.delete(objectKey);
  for await (const object of context.store.list(variantPrefix(mediaId))) await context.store.delete(object.key);
}

export async function deleteMedia(context: MediaContext, userId: string, id: string): Promise<void> {
  const row = await findMedia(context.database.db, id);
  if (row === undefined) throw mediaNotFound(id);
  assertOwner(row, userId);
  await deleteMediaObjects(context, row.object_key, id);
  await context.database.transaction(async (trx) => {
    const deleted = await deleteMediaRow(trx, id);
    // A concurrent delete got there first and announced it.
    if (deleted !== undefined) await enqueueMediaDeleted(trx, { mediaId: id, ownerId: deleted.owner_id });
  });
}
