// Feed shapes shared by the feed service (which serves them), the gateway (which hydrates the ids into
// posts, authors and media) and the post service (whose internal route regenerates lost timelines).
// The feed service answers ids only: it owns timelines, not posts.
import Type from 'typebox';
import { Id } from './ids.ts';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from './pagination.ts';

export const FeedItem = Type.Object({ postId: Id, authorId: Id }, { $id: 'FeedItem' });
export type FeedItem = Type.Static<typeof FeedItem>;

export const FeedPage = Type.Object(
  {
    items: Type.Array(Type.Ref('FeedItem'), { description: 'Newest first' }),
    nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Opaque; null on the last page' }),
  },
  { $id: 'FeedPage' },
);
export interface FeedPage {
  items: FeedItem[];
  nextCursor: string | null;
}

export const FeedQuery = Type.Object(
  {
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512, pattern: '^[A-Za-z0-9_-]+$' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT })),
  },
  { additionalProperties: false },
);
export type FeedQuery = Type.Static<typeof FeedQuery>;

/** Internal: the post service's newest posts of many authors, used by the feed to rebuild a timeline. */
export const MAX_RECENT_AUTHORS = 1000;
export const MAX_RECENT_PER_AUTHOR = 200;
export const RecentPostsByAuthorsRequest = Type.Object(
  {
    authorIds: Type.Array(Id, { minItems: 1, maxItems: MAX_RECENT_AUTHORS, uniqueItems: true }),
    limitPerAuthor: Type.Integer({ minimum: 1, maximum: MAX_RECENT_PER_AUTHOR }),
  },
  { additionalProperties: false },
);
export type RecentPostsByAuthorsRequest = Type.Static<typeof RecentPostsByAuthorsRequest>;

export const RecentPostRef = Type.Object({
  postId: Id,
  authorId: Id,
  createdAt: Type.String({ format: 'date-time' }),
});
export type RecentPostRef = Type.Static<typeof RecentPostRef>;

export const RecentPostsByAuthorsResponse = Type.Object({
  items: Type.Array(RecentPostRef, { description: 'Newest first (by id), at most limitPerAuthor per author' }),
});
export type RecentPostsByAuthorsResponse = Type.Static<typeof RecentPostsByAuthorsResponse>;

/**
 * The gateway's composed (hydrated) shapes: a feed item or search hit with its post, author, media and
 * the caller's like, in one response. The lookups for authors, media and likes degrade: when one of them
 * fails the answer still comes, `partial` is true and `missing` names what could not be looked up
 * (`author` is then null, `media` empty, `likedByMe` null). Feed and post are not optional: without
 * them there is no page (503).
 */
export const HydrationPart = Type.Union([Type.Literal('authors'), Type.Literal('media'), Type.Literal('likes')]);
export type HydrationPart = Type.Static<typeof HydrationPart>;

export const HydratedPost = Type.Object(
  {
    post: Type.Ref('Post'),
    author: Type.Union([Type.Ref('UserSummary'), Type.Null()], { description: 'null when authors are missing' }),
    media: Type.Array(Type.Ref('Media'), { description: "The post's media in the post's order, with variant URLs" }),
    likedByMe: Type.Union([Type.Boolean(), Type.Null()], { description: 'null when likes are missing' }),
  },
  { $id: 'HydratedPost' },
);

export const HydratedFeedPage = Type.Object(
  {
    items: Type.Array(Type.Ref('HydratedPost'), { description: 'Newest first; posts deleted meanwhile are left out' }),
    nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Opaque; null on the last page' }),
    partial: Type.Boolean({ description: 'true when a lookup failed and the items lack what `missing` names' }),
    missing: Type.Array(HydrationPart, { description: 'The lookups that failed; empty when complete' }),
  },
  { $id: 'HydratedFeedPage' },
);
