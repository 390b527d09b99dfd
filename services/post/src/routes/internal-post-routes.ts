// Routes other services call (never routed by the gateway): the batch read used to hydrate feed pages
// and to re-index posts. Any valid access token may call it.
import { PostBatchRequest, PostBatchResponse } from '@scalegram/contracts/posts';
import type { App } from '@scalegram/kit/app';
import { requireIdentity } from '@scalegram/kit/authentication';
import type { PostContext } from '../post-context.ts';
import { getPostsBatch } from '../store/post-queries.ts';
import { AUTHENTICATED_ERRORS, BODY_ERRORS } from './route-schemas.ts';
import { assertStorableIds } from './storable-id.ts';

export async function internalPostRoutes(app: App, { context }: { context: PostContext }): Promise<void> {
  app.addHook('preValidation', app.authenticate);

  app.post(
    '/internal/posts/batch',
    {
      schema: {
        summary: 'Posts by id, in the order asked; unknown ids are left out (one query per shard involved)',
        tags: ['internal'],
        body: PostBatchRequest,
        response: { 200: PostBatchResponse, ...AUTHENTICATED_ERRORS, ...BODY_ERRORS },
      },
    },
    async (request) => {
      requireIdentity(request);
      assertStorableIds({ '/body/ids': request.body.ids });
      return { items: await getPostsBatch(context, request.body.ids) };
    },
  );
}
