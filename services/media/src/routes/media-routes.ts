// The public media API (forwarded by the gateway under /api/v1/media). Every route requires a user
// token; only the owner may complete or delete.

import { IdParams } from '@scalegram/contracts/ids';
import { CreateMediaRequest, MediaUpload } from '@scalegram/contracts/media';
import type { App } from '@scalegram/kit/app';
import { requireUserId } from '@scalegram/kit/authentication';
import { BEARER_AUTH } from '@scalegram/kit/openapi-responses';
import Type from 'typebox';
import { deleteMedia } from '../commands/delete-media.ts';
import { completeUpload, createUpload } from '../commands/upload-commands.ts';
import type { MediaContext } from '../media-context.ts';
import { getMedia } from '../queries/media-view.ts';
import { AUTHENTICATED_ERRORS, CompleteResponse, MediaRef, ProblemRef } from './route-schemas.ts';
import { assertStorableId } from './storable-id.ts';

export async function mediaRoutes(app: App, { context }: { context: MediaContext }): Promise<void> {
  // Before validation: an anonymous caller gets 401, whatever it sent.
  app.addHook('preValidation', app.authenticate);

  app.post(
    '/media',
    {
      schema: {
        summary: 'Start an upload: a presigned URL bound to the declared type and exact size',
        operationId: 'createMedia',
        description:
          'Step 1 of an upload: declare the content type and exact size, then send the bytes to `uploadUrl` with `uploadMethod` and `uploadHeaders` (straight to the object store, not through the API), then call complete. Too large: 413; not a supported type: 415.',
        security: BEARER_AUTH,
        tags: ['media'],
        body: CreateMediaRequest,
        response: { 201: MediaUpload, ...AUTHENTICATED_ERRORS, 413: ProblemRef, 415: ProblemRef },
      },
    },
    async (request, reply) => {
      const upload = await createUpload(context, requireUserId(request), request.body);
      return reply.code(201).header('location', `/api/v1/media/${upload.id}`).send(upload);
    },
  );

  app.post(
    '/media/:id/complete',
    {
      schema: {
        summary: 'Confirm the upload: checks the stored object and queues processing (202)',
        operationId: 'completeMedia',
        description:
          'Step 2 of an upload: checks that the object arrived with the declared size and queues processing (variants, metadata stripped). Poll the media item until `status` is `ready` (or `failed`) before attaching it to a post.',
        security: BEARER_AUTH,
        tags: ['media'],
        params: IdParams,
        response: { 202: CompleteResponse, ...AUTHENTICATED_ERRORS, 404: ProblemRef, 409: ProblemRef, 422: ProblemRef },
      },
    },
    async (request, reply) => {
      const userId = requireUserId(request);
      assertStorableId(request.params.id, '/params/id');
      return reply.code(202).send(await completeUpload(context, userId, request.params.id));
    },
  );

  app.get(
    '/media/:id',
    {
      schema: {
        summary: 'A media item: status, dimensions and variant URLs once ready',
        operationId: 'getMedia',
        description:
          'Status (`pending`, `processing`, `ready`, `failed`), and once ready its dimensions and the URLs of its variants.',
        security: BEARER_AUTH,
        tags: ['media'],
        params: IdParams,
        response: { 200: MediaRef, ...AUTHENTICATED_ERRORS, 404: ProblemRef },
      },
    },
    async (request) => {
      requireUserId(request);
      assertStorableId(request.params.id, '/params/id');
      return getMedia(context, request.params.id);
    },
  );

  app.delete(
    '/media/:id',
    {
      schema: {
        summary: 'Delete a media item and its objects (owner only)',
        operationId: 'deleteMedia',
        description: 'Deletes the metadata and every stored object. Only the owner may delete (403 for anyone else).',
        security: BEARER_AUTH,
        tags: ['media'],
        params: IdParams,
        response: { 204: Type.Null({ description: 'No content' }), ...AUTHENTICATED_ERRORS, 404: ProblemRef },
      },
    },
    async (request, reply) => {
      const userId = requireUserId(request);
      assertStorableId(request.params.id, '/params/id');
      await deleteMedia(context, userId, request.params.id);
      return reply.code(204).send(null);
    },
  );
}
