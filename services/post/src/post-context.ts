// What the commands and queries work with: the shard router over the physical databases, the id
// generator, and the media check.
import type { IdGenerator } from '@scalegram/relational/id-generator';
import type { ShardRouter } from '@scalegram/relational/shard-router';
import type { MediaChecker } from './media/media-checker.ts';
import type { PostDatabase } from './store/schema.ts';

export interface PostContext {
  router: ShardRouter<PostDatabase>;
  ids: IdGenerator;
  media: MediaChecker;
}
