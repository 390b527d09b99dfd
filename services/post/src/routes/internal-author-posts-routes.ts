// The feed service's regeneration read (never routed by the gateway): the newest posts of up to 1,000
// authors at once, to rebuild a home timeline that Redis lost. Ids, authors and times only; the gateway
// hydrates whatever the feed finally serves. Any valid access token may call it (the feed forwards the
// reader's).
import { RecentPostsByAuthorsRequest, RecentPostsByAuthorsResponse } from '@scalegram/contracts/feed';
import type { App } from '@scalegram/kit/app';
import { requireIdentity } from '@scalegram/kit/authentication';
import type { PostContext } from '../post-context.ts';
import { recentPostsByAuthors } from '../store/recent-posts-by-authors.ts';
import { AUTHENTICATED_ERRORS, BODY_ERRORS } from './route-schemas.ts';
import { assertStorableIds } from './storable-id.ts';

export async function internalAuthorPostsRoutes(app: App, { context }: { context: PostContext }): Promise<void> {
  app.addHook('preValidation', app.authenticate);

  app.post(
    '/internal/posts/recent-by-authors',
    {
      schema: {
        summary: 'The newest posts of each author, newest first overall (one query per shard involved)',
        tags: ['internal'],
        body: RecentPostsByAuthorsRequest,
        response: { 200: RecentPostsByAuthorsResponse, ...AUTHENTICATED_ERRORS, ...BODY_ERRORS },
      },
    },
    async (request) => {
      requireIdentity(request);
      assertStorableIds({ '/body/authorIds': request.body.authorIds });
      return { items: await recentPostsByAuthors(context, request.body.authorIds, request.body.limitPerAuthor) };
    },
  );
}
