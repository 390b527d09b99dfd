// Routes other services call, never routed by the gateway: the batch lookup the post service uses to
// check that attached media exist, belong to the author and are ready, and that feeds use to hydrate.

import { isId } from '@scalegram/contracts/ids';
import { MediaBatchRequest } from '@scalegram/contracts/media';
import type { AccessTokenVerifier } from '@scalegram/kit/access-token';
import type { App } from '@scalegram/kit/app';
import { HttpProblem } from '@scalegram/kit/http-problem';
import Type from 'typebox';
import type { MediaContext } from '../media-context.ts';
import { getMediaBatch } from '../queries/media-view.ts';
import { AUTHENTICATED_ERRORS, MediaRef, ProblemRef } from './route-schemas.ts';
import { requireUserOrService } from './service-authentication.ts';

export interface InternalMediaRoutesOptions {
  context: MediaContext;
  /** Verifies service tokens (audience scalegram-internal). */
  serviceVerifier: AccessTokenVerifier;
}

export async function internalMediaRoutes(app: App, options: InternalMediaRoutesOptions): Promise<void> {
  app.post(
    '/internal/media/batch',
    {
      preValidation: requireUserOrService(options.serviceVerifier),
      schema: {
        summary: 'Up to 100 media items, in request order; unknown ids are left out',
        tags: ['internal'],
        body: MediaBatchRequest,
        response: {
          200: Type.Object({ items: Type.Array(MediaRef) }),
          ...AUTHENTICATED_ERRORS,
          413: ProblemRef,
          415: ProblemRef,
        },
      },
    },
    async (request) => {
      const index = request.body.ids.findIndex((id) => !isId(id));
      if (index >= 0) {
        throw new HttpProblem(400, 'validation-failed', 'Request validation failed', {
          detail: `/body/ids/${index} is larger than a 64-bit id`,
          extra: { errors: [{ field: `/body/ids/${index}`, message: 'must be at most 9223372036854775807' }] },
        });
      }
      return { items: await getMediaBatch(options.context, request.body.ids) };
    },
  );
}
