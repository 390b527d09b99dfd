// Search shapes shared by the search service (which serves them) and the gateway (which hydrates the
// hits into posts, as it does for feed pages). The search service answers ids and scores only: it owns
// vectors, not posts.
import Type from 'typebox';
import { HydratedFeedPage, HydratedPost } from './feed.ts';
import { Id } from './ids.ts';
import { SingleLineText } from './text.ts';

export const MAX_SEARCH_QUERY_LENGTH = 200;
export const MAX_SEARCH_LIMIT = 50;
export const DEFAULT_SEARCH_LIMIT = 20;
export const DEFAULT_SIMILAR_LIMIT = 10;

export const SearchHit = Type.Object({
  postId: Id,
  authorId: Id,
  score: Type.Number({ description: 'Cosine similarity with the query (or the post), higher is closer' }),
});
export type SearchHit = Type.Static<typeof SearchHit>;

export const SearchResults = Type.Object({ items: Type.Array(SearchHit, { description: 'Best first' }) });
export type SearchResults = Type.Static<typeof SearchResults>;

export const SearchPostsQuery = Type.Object(
  {
    q: SingleLineText({ minLength: 1, maxLength: MAX_SEARCH_QUERY_LENGTH, description: 'What the posts are about' }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_SEARCH_LIMIT, default: DEFAULT_SEARCH_LIMIT })),
    authorId: Type.Optional(Id),
    since: Type.Optional(Type.String({ format: 'date-time', description: 'Posts created at or after this time' })),
    until: Type.Optional(Type.String({ format: 'date-time', description: 'Posts created before this time' })),
  },
  { additionalProperties: false },
);
export type SearchPostsQuery = Type.Static<typeof SearchPostsQuery>;

export const SimilarQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_SEARCH_LIMIT, default: DEFAULT_SIMILAR_LIMIT })) },
  { additionalProperties: false },
);
export type SimilarQuery = Type.Static<typeof SimilarQuery>;

/** The gateway's hydrated search answer: each hit as a HydratedPost (contracts/feed) plus its score. */
export const HydratedSearchHit = Type.Object(
  { ...HydratedPost.properties, score: SearchHit.properties.score },
  { $id: 'HydratedSearchHit' },
);

export const HydratedSearchResults = Type.Object(
  {
    items: Type.Array(Type.Ref('HydratedSearchHit'), {
      description: 'Best first; posts deleted meanwhile are left out',
    }),
    partial: HydratedFeedPage.properties.partial,
    missing: HydratedFeedPage.properties.missing,
  },
  { $id: 'HydratedSearchResults' },
);
