// Rebuilds the search index from the post service, beside the live one (ADR 0026):
//   1. create a fresh collection and point the alias `next` at it — from then on every consumer replica
//      writes each post event there too;
//   2. page through every post, embed and write it with the consumer's rules (tombstones, versions: an
//      event already applied to the new collection with a newer version wins);
//   3. switch the live alias to the new collection in one step, remove `next`, delete the old collection.
// Searches use the old collection until the switch, the new one after it: never an empty or half-built
// index. One re-index at a time (a Kubernetes Job with parallelism 1); one that died midway leaves an
// orphan behind `next`, which the next run deletes.
import type { Post } from '@scalegram/contracts/posts';
import type { SearchContext } from '../search-context.ts';
import { rebuildCollection } from '../store/index-names.ts';
import { type IndexablePost, preparePosts, writePosts } from '../store/index-writes.ts';
import { postCollectionOptions, TOMBSTONE_OPTIONS } from '../store/open-post-index.ts';
import type { PostSource } from './post-source.ts';

export interface RebuildProgress {
  pages: number;
  /** Posts read from the post service. */
  posts: number;
  /** Posts written (or removed for having no words); the rest were deleted or already newer. */
  written: number;
}

export interface RebuildResult extends RebuildProgress {
  /** The collection the live alias points at now. */
  collection: string;
  /** The collection it pointed at before (deleted), if any. */
  previous: string | undefined;
}

export interface RebuildOptions {
  pageSize: number;
  onPage?: (progress: RebuildProgress) => void;
  now?: () => Date;
}

function indexable(post: Post): IndexablePost {
  return {
    postId: post.id,
    authorId: post.authorId,
    text: post.text,
    createdAtMs: Date.parse(post.createdAt),
    version: Date.parse(post.updatedAt),
  };
}

export async function rebuildIndex(
  context: SearchContext,
  source: PostSource,
  options: RebuildOptions,
): Promise<RebuildResult> {
  const { index, embedder, names } = context;
  await index.ensureCollection(names.tombstones, TOMBSTONE_OPTIONS);
  const previous = await index.resolveAlias(names.live);
  const abandoned = await index.resolveAlias(names.next);

  const collection = rebuildCollection(names.live, embedder.name, options.now?.() ?? new Date());
  await index.ensureCollection(collection, postCollectionOptions(embedder));
  await index.setAlias(names.next, collection);
  if (abandoned !== undefined && abandoned !== previous) await index.deleteCollection(abandoned);

  const progress: RebuildProgress = { pages: 0, posts: 0, written: 0 };
  let after: string | undefined;
  do {
    const page = await source.page(after, options.pageSize);
    const prepared = await preparePosts(context, page.items.map(indexable));
    progress.written += await writePosts(context, collection, prepared);
    progress.pages += 1;
    progress.posts += page.items.length;
    options.onPage?.({ ...progress });
    after = page.nextAfter ?? undefined;
  } while (after !== undefined);

  await index.setAlias(names.live, collection);
  await index.deleteAlias(names.next);
  if (previous !== undefined && previous !== collection) await index.deleteCollection(previous);
  return { ...progress, collection, previous };
}
