// The likes lookup behind the gateway's `likedByMe` (feed and search hydration): which of up to 100
// posts the caller has liked. Internal (never routed by the gateway); it answers for the user whose
// token it is, so a caller can only ever learn its own likes.
import { LikedPostsRequest, LikedPostsResponse } from '@scalegram/contracts/posts';
import type { App } from '@scalegram/kit/app';
import { requireUserId } from '@scalegram/kit/authentication';
import type { PostContext } from '../post-context.ts';
import { likedPostIds } from '../store/like-queries.ts';
import { AUTHENTICATED_ERRORS, BODY_ERRORS } from './route-schemas.ts';
import { assertStorableIds } from './storable-id.ts';

export async function internalLikedRoutes(app: App, { context }: { context: PostContext }): Promise<void> {
  app.addHook('preValidation', app.authenticate);

  app.post(
    '/internal/posts/liked',
    {
      schema: {
        summary: 'The subset of these posts the caller has liked, in the order asked (one query per shard involved)',
        tags: ['internal'],
        body: LikedPostsRequest,
        response: { 200: LikedPostsResponse, ...AUTHENTICATED_ERRORS, ...BODY_ERRORS },
      },
    },
    async (request) => {
      const userId = requireUserId(request);
      assertStorableIds({ '/body/ids': request.body.ids });
      return { ids: await likedPostIds(context, userId, request.body.ids) };
    },
  );
}
