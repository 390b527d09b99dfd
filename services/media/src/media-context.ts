// What the commands and queries work with: the metadata database, the file store, the id generator,
// the upload policy and how variant URLs are made.
import type { FileStore } from '@scalegram/file-store/port';
import type { IdGenerator } from '@scalegram/relational/id-generator';
import type { RelationalDatabase } from '@scalegram/relational/port';
import type { MediaLimits } from './domain/media-policy.ts';
import type { MediaUrls } from './files/media-urls.ts';
import type { MediaDatabase } from './store/schema.ts';

export interface MediaContext {
  database: RelationalDatabase<MediaDatabase>;
  store: FileStore;
  ids: IdGenerator;
  limits: MediaLimits;
  /** Lifetime of a presigned upload URL. */
  uploadExpiresInSeconds: number;
  urls: MediaUrls;
}
