// Backend-for-frontend composition: turns a list of post references (a feed page, search hits) into
// hydrated items — the post, its author, its media with variant URLs, and whether the caller liked it —
// with one round of parallel batch calls instead of one call per item from the client:
//
//   post   POST /internal/posts/batch   ┐
//   user   POST /internal/users/batch   ├ in parallel (author ids come with the references)
//   post   POST /internal/posts/liked   ┘
//   media  POST /internal/media/batch   once the posts have answered (their media ids)
//
// Every call forwards the caller's Authorization header: the services verify it again and answer for
// that user (likes are the caller's own). Posts are the page: without them there is no answer (the
// error propagates: 503/504). Authors, media and likes degrade: a failed lookup leaves its fields
// empty (null author, no media, likedByMe null) and is named in `missing`. A post deleted between the
// reference and the batch is absent from the batch and left out, as is a post whose author is gone.
import type { HydrationPart } from '@scalegram/contracts/feed';
import type { Media } from '@scalegram/contracts/media';
import type { Post } from '@scalegram/contracts/posts';
import type { UserSummary } from '@scalegram/contracts/users';
import type { FastifyBaseLogger } from 'fastify';
import type { Upstream } from '../upstreams.ts';

/** What a feed item or a search hit names. */
export interface PostReference {
  postId: string;
  authorId: string;
}

export interface HydratedPostValue {
  post: Post;
  author: UserSummary | null;
  media: Media[];
  likedByMe: boolean | null;
}

export interface HydrationUpstreams {
  post: Upstream;
  user: Upstream;
  /** Absent when the media service is not configured: media are then always missing. */
  media?: Upstream | undefined;
}

export interface Hydrated<R extends PostReference> {
  /** One entry per reference that still has a post (and an author), in the references' order. */
  items: { reference: R; value: HydratedPostValue }[];
  missing: HydrationPart[];
}

/** The batch routes take at most 100 ids (contracts' MAX_BATCH_*). */
const BATCH_SIZE = 100;

function chunks<T>(values: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

async function batched<A, T>(
  upstream: Upstream,
  path: string,
  ids: readonly string[],
  headers: Record<string, string>,
  pick: (answer: A) => T[],
): Promise<T[]> {
  if (ids.length === 0) return [];
  const answers = await Promise.all(
    chunks(ids, BATCH_SIZE).map((chunk) => upstream.post<A>(path, { ids: chunk }, { headers })),
  );
  return answers.flatMap(pick);
}

export async function hydratePosts<R extends PostReference>(
  upstreams: HydrationUpstreams,
  references: readonly R[],
  context: { authorization: string; logger: FastifyBaseLogger },
): Promise<Hydrated<R>> {
  if (references.length === 0) return { items: [], missing: [] };
  const headers = { authorization: context.authorization };
  const postIds = [...new Set(references.map((reference) => reference.postId))];
  const authorIds = [...new Set(references.map((reference) => reference.authorId))];
  const missing = new Set<HydrationPart>();

  /** A lookup that may fail: its failure is logged and named, and the page is still served. */
  const degradable = <T>(part: HydrationPart, lookup: Promise<T>): Promise<T | undefined> =>
    lookup.catch((error: unknown) => {
      missing.add(part);
      const reason = error instanceof Error ? error.message : String(error);
      context.logger.warn({ part, reason }, 'hydration lookup failed; answering without it');
      return undefined;
    });

  const posts = batched(upstreams.post, '/internal/posts/batch', postIds, headers, (a: { items: Post[] }) => a.items);
  const [postList, authors, liked, media] = await Promise.all([
    posts,
    degradable(
      'authors',
      batched(upstreams.user, '/internal/users/batch', authorIds, headers, (a: { items: UserSummary[] }) => a.items),
    ),
    degradable(
      'likes',
      batched(upstreams.post, '/internal/posts/liked', postIds, headers, (a: { ids: string[] }) => a.ids),
    ),
    degradable(
      'media',
      // Chained on the posts: their media ids are known only once they answer. If the posts fail, the
      // whole call fails below, and this rejection is absorbed here instead of going unhandled.
      posts.then((found) => {
        const mediaIds = [...new Set(found.flatMap((post) => post.mediaIds))];
        if (mediaIds.length === 0) return [];
        if (!upstreams.media) throw new Error('the media service is not configured');
        return batched(upstreams.media, '/internal/media/batch', mediaIds, headers, (a: { items: Media[] }) => a.items);
      }),
    ),
  ]);

  const postsById = new Map(postList.map((post) => [post.id, post]));
  const authorsById = authors && new Map(authors.map((author) => [author.id, author]));
  const likedIds = liked && new Set(liked);
  const mediaById = media && new Map(media.map((item) => [item.id, item]));

  const items: Hydrated<R>['items'] = [];
  for (const reference of references) {
    const post = postsById.get(reference.postId);
    if (post === undefined) continue; // deleted since the feed or the index saw it
    let author: UserSummary | null = null;
    if (authorsById) {
      const found = authorsById.get(post.authorId);
      if (found === undefined) continue; // the author's account is gone; their posts go with it
      author = found;
    }
    items.push({
      reference,
      value: {
        post,
        author,
        media: mediaById ? post.mediaIds.flatMap((id) => mediaById.get(id) ?? []) : [],
        likedByMe: likedIds ? likedIds.has(post.id) : null,
      },
    });
  }
  return { items, missing: [...missing].sort() };
}
