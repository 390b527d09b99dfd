// Writes to the search index, with the rules that make them safe to repeat and to reorder (ADR 0026):
// - a post with a tombstone is never written, and every write checks the tombstones again afterwards, so
//   a delete handled at the same moment elsewhere still wins;
// - a write older than what is stored (by `version`, the event's time) is skipped, so a redelivered
//   post.created cannot roll back an edit;
// - every write goes to the live alias and, while a re-index runs, to the collection it is filling.
import { NotFoundError } from '@scalegram/contracts/errors';
import { decodeId } from '@scalegram/relational/id-generator';
import type { SearchContext } from '../search-context.ts';

export interface IndexablePost {
  postId: string;
  authorId: string;
  text: string;
  /** Epoch ms; undefined (a post.updated event) keeps the stored one, or reads it from the id. */
  createdAtMs: number | undefined;
  /** Epoch ms of the change: the event's time, or the post's updatedAt for a re-index. */
  version: number;
}

/** A post ready to write: its vector, or undefined when its text has nothing to embed (no words). */
export interface PreparedPost extends IndexablePost {
  vector: Float32Array | undefined;
}

/** The payload stored with each post's vector (and what the filters and the version check read). */
export interface PostPayload {
  authorId: string;
  createdAt: number;
  version: number;
}

const idOf = (post: IndexablePost) => post.postId;
const isZero = (vector: Float32Array | undefined) => vector === undefined || vector.every((value) => value === 0);

/** Runs a write against an alias that may not exist (the re-index's `next`): missing means nothing to do. */
export async function ignoreMissing<T>(write: () => Promise<T>): Promise<T | undefined> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

async function tombstoned(context: SearchContext, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const dead = await context.index.get(context.names.tombstones, ids);
  return new Set(dead.map((point) => point.id));
}

/** Leaves out tombstoned posts and embeds the rest (one embedder call). */
export async function preparePosts(context: SearchContext, posts: IndexablePost[]): Promise<PreparedPost[]> {
  const dead = await tombstoned(context, posts.map(idOf));
  const alive = posts.filter((post) => !dead.has(post.postId));
  const vectors = alive.length === 0 ? [] : await context.embedder.embed(alive.map((post) => post.text));
  return alive.map((post, i) => ({ ...post, vector: isZero(vectors[i]) ? undefined : vectors[i] }));
}

/**
 * Writes prepared posts into one collection (or alias). Returns how many were written or removed; the
 * others were older than what the collection holds.
 */
export async function writePosts(context: SearchContext, target: string, prepared: PreparedPost[]): Promise<number> {
  if (prepared.length === 0) return 0;
  const { index } = context;
  const points = await index.get(target, prepared.map(idOf));
  const stored = new Map(points.map((point) => [point.id, point.payload as Partial<PostPayload>]));
  const fresh = prepared.filter((post) => {
    const version = stored.get(post.postId)?.version;
    return typeof version !== 'number' || version <= post.version;
  });
  const upserts = fresh.filter((post) => post.vector !== undefined);
  // An edit that leaves no words removes the post: nothing could find it, and "similar" has no vector.
  const emptied = fresh.filter((post) => post.vector === undefined && stored.has(post.postId));
  if (upserts.length > 0) {
    await index.upsert(
      target,
      upserts.map((post) => {
        const payload: PostPayload = {
          authorId: post.authorId,
          createdAt:
            post.createdAtMs ?? stored.get(post.postId)?.createdAt ?? decodeId(post.postId).timestamp.getTime(),
          version: post.version,
        };
        return { id: post.postId, vector: post.vector!, payload: { ...payload } };
      }),
    );
  }
  if (emptied.length > 0) await index.delete(target, emptied.map(idOf));
  // Check again after writing: a delete that wrote its tombstone before this check is undone here; one
  // that writes it after deletes the point itself (it deletes after writing its tombstone).
  const dead = await tombstoned(context, upserts.map(idOf));
  if (dead.size > 0) await index.delete(target, [...dead]);
  return fresh.length;
}

/** Indexes posts (post.created, post.updated): into the live alias, and into the re-index's collection if one is being built. */
export async function indexPosts(context: SearchContext, posts: IndexablePost[]): Promise<void> {
  const prepared = await preparePosts(context, posts);
  await writePosts(context, context.names.live, prepared);
  await ignoreMissing(() => writePosts(context, context.names.next, prepared));
}

/** Removes a post for good (post.deleted): tombstone first, then the point everywhere. */
export async function removePost(context: SearchContext, postId: string, deletedAtMs: number): Promise<void> {
  const { index, names } = context;
  await index.upsert(names.tombstones, [{ id: postId, vector: [1], payload: { deletedAt: deletedAtMs } }]);
  await index.delete(names.live, [postId]);
  await ignoreMissing(() => index.delete(names.next, [postId]));
}
