// Post shapes shared by the post service (which owns them) and the gateway (hydration, feed pages).
// Text rules (255 grapheme clusters, 2,000 UTF-8 bytes) are enforced by the post service itself:
// JSON Schema's maxLength counts UTF-16 code units and would split emoji, so it is not used for them.
// Which characters they may hold is the shared multi-line text rule (text.ts, ADR 0042).
import Type from 'typebox';
import { Id } from './ids.ts';
import { MultiLineText } from './text.ts';

export const MAX_POST_TEXT_GRAPHEMES = 255;
export const MAX_POST_TEXT_BYTES = 2000;
export const MAX_POST_MEDIA = 6;
export const MAX_COMMENT_TEXT_GRAPHEMES = 255;

export const Post = Type.Object(
  {
    id: Id,
    authorId: Id,
    text: Type.String(),
    mediaIds: Type.Array(Id),
    likeCount: Type.Integer({ minimum: 0 }),
    commentCount: Type.Integer({ minimum: 0 }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Post' },
);
export type Post = Type.Static<typeof Post>;

export const Comment = Type.Object(
  {
    id: Id,
    postId: Id,
    authorId: Id,
    text: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Comment' },
);
export type Comment = Type.Static<typeof Comment>;

/** `text` is a string of any length here; the service counts graphemes and answers 400 beyond 255. */
export const CreatePostRequest = Type.Object(
  {
    text: MultiLineText({
      description:
        '1–255 user-perceived characters (grapheme clusters), ≤ 2,000 UTF-8 bytes; no control characters but tab and line breaks, no unpaired surrogates, no bidirectional overrides',
      examples: ['the harbour looks golden this morning #sunset @user_1'],
    }),
    mediaIds: Type.Optional(Type.Array(Id, { maxItems: MAX_POST_MEDIA, uniqueItems: true })),
  },
  { additionalProperties: false },
);
export type CreatePostRequest = Type.Static<typeof CreatePostRequest>;

export const UpdatePostRequest = Type.Object(
  { text: MultiLineText({ description: 'Same rule as on create' }) },
  { additionalProperties: false },
);
export type UpdatePostRequest = Type.Static<typeof UpdatePostRequest>;

export const CreateCommentRequest = Type.Object(
  {
    text: MultiLineText({
      description: '1–255 user-perceived characters (grapheme clusters); the same characters as post text',
    }),
  },
  { additionalProperties: false },
);
export type CreateCommentRequest = Type.Static<typeof CreateCommentRequest>;

/** Internal: batch lookup for hydration and re-indexing; unknown ids are omitted from the answer. */
export const MAX_BATCH_POSTS = 100;
export const PostBatchRequest = Type.Object(
  { ids: Type.Array(Id, { minItems: 1, maxItems: MAX_BATCH_POSTS, uniqueItems: true }) },
  { additionalProperties: false },
);
export type PostBatchRequest = Type.Static<typeof PostBatchRequest>;
export const PostBatchResponse = Type.Object({ items: Type.Array(Type.Ref('Post')) });

/** Internal: which of these posts has the caller liked (the gateway's `likedByMe`). */
export const LikedPostsRequest = Type.Object(
  { ids: Type.Array(Id, { minItems: 1, maxItems: MAX_BATCH_POSTS, uniqueItems: true }) },
  { additionalProperties: false },
);
export type LikedPostsRequest = Type.Static<typeof LikedPostsRequest>;
/** The subset of the asked ids the caller has liked, in the order asked. */
export const LikedPostsResponse = Type.Object({ ids: Type.Array(Id) });
export type LikedPostsResponse = Type.Static<typeof LikedPostsResponse>;

/**
 * Internal: every post, in ascending id order across all shards, for re-indexing (`GET /internal/posts`,
 * a service token with scope `posts:read`). Keyset pagination: pass the last page's `nextAfter` as `after`;
 * `nextAfter` is null on the last page.
 */
export const MAX_POST_LISTING_LIMIT = 500;
export const PostListingQuery = Type.Object(
  {
    after: Type.Optional(Id),
    limit: Type.Integer({ minimum: 1, maximum: MAX_POST_LISTING_LIMIT, default: 100 }),
  },
  { additionalProperties: false },
);
export type PostListingQuery = Type.Static<typeof PostListingQuery>;
export const PostListingResponse = Type.Object({
  items: Type.Array(Type.Ref('Post')),
  nextAfter: Type.Union([Id, Type.Null()]),
});
