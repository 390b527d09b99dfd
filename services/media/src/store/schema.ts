// The media service's tables as Kysely sees them (migrations/0001_create_media.sql).
// bigint columns come back as decimal strings on both adapters (see docs/building-blocks/relational.md).
import type { MediaKind, MediaStatus } from '@scalegram/contracts/media';
import type { ProcessedVariant } from '@scalegram/contracts/media-events';
import type { OutboxDatabase } from '@scalegram/relational/outbox-schema';
import type { ColumnType, Generated, JSONColumnType } from 'kysely';

export type StoredVariants = Record<string, ProcessedVariant>;

export interface MediaTable {
  id: string;
  owner_id: string;
  status: ColumnType<MediaStatus, MediaStatus | undefined, MediaStatus>;
  kind: MediaKind;
  content_type: string;
  size: ColumnType<string, string | number, string | number>;
  object_key: string;
  width: number | null;
  height: number | null;
  duration_ms: number | null;
  variants: JSONColumnType<StoredVariants, string | undefined, string>;
  placeholder: string | null;
  failure_reason: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface MediaDatabase extends OutboxDatabase {
  media: MediaTable;
}
