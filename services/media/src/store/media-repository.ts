// Reads and writes of the media table. Functions over Kysely, not a class (STYLE.md).
import type { MediaStatus } from '@scalegram/contracts/media';
import type { Kysely, Selectable } from 'kysely';
import type { MediaDatabase, MediaTable } from './schema.ts';

export type MediaRow = Selectable<MediaTable>;

export interface NewMediaRow {
  id: string;
  ownerId: string;
  kind: MediaTable['kind'];
  contentType: string;
  size: number;
  objectKey: string;
}

export async function insertMedia(db: Kysely<MediaDatabase>, row: NewMediaRow): Promise<MediaRow> {
  return db
    .insertInto('media')
    .values({
      id: row.id,
      owner_id: row.ownerId,
      kind: row.kind,
      content_type: row.contentType,
      size: row.size,
      object_key: row.objectKey,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findMedia(db: Kysely<MediaDatabase>, id: string): Promise<MediaRow | undefined> {
  return db.selectFrom('media').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findManyMedia(db: Kysely<MediaDatabase>, ids: readonly string[]): Promise<MediaRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('media')
    .selectAll()
    .where('id', 'in', [...ids])
    .execute();
}

/** Moves a row from `from` to `to` (a compare-and-set); undefined when it was not in `from`. */
export async function transitionStatus(
  db: Kysely<MediaDatabase>,
  id: string,
  from: MediaStatus,
  changes: Partial<{
    status: MediaStatus;
    content_type: string;
    width: number;
    height: number;
    duration_ms: number | null;
    variants: string;
    placeholder: string;
    failure_reason: string;
  }>,
): Promise<MediaRow | undefined> {
  return db
    .updateTable('media')
    .set({ ...changes, updated_at: new Date() })
    .where('id', '=', id)
    .where('status', '=', from)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteMediaRow(db: Kysely<MediaDatabase>, id: string): Promise<MediaRow | undefined> {
  return db.deleteFrom('media').where('id', '=', id).returningAll().executeTakeFirst();
}
