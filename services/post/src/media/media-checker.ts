// Checks the media ids attached to a new post against the media service, which owns them: each must
// exist, belong to the author and be `ready`. The caller's own access token is forwarded, so the media
// service sees who is asking. Media service down → UnavailableError (503) before anything is written.

import { UnavailableError } from '@scalegram/contracts/errors';
import type { Media, MediaBatchResponse } from '@scalegram/contracts/media';
import { HttpProblem } from '@scalegram/kit/http-problem';
import type { ServiceClient } from '@scalegram/kit/service-client';
import { UpstreamResponseError, UpstreamTimeoutError } from '@scalegram/kit/upstream-errors';

export interface MediaChecker {
  /** Resolves when every id is usable by `authorId`; throws a 422 `invalid-media` problem otherwise. */
  assertUsable(authorId: string, mediaIds: readonly string[], authorization: string): Promise<void>;
}

export interface MediaProblem {
  field: string;
  message: string;
}

/** Pure: which ids are unusable and why, in the order the author sent them. */
export function mediaProblems(authorId: string, mediaIds: readonly string[], found: readonly Media[]): MediaProblem[] {
  const byId = new Map(found.map((media) => [media.id, media]));
  const problems: MediaProblem[] = [];
  mediaIds.forEach((id, index) => {
    const field = `/body/mediaIds/${index}`;
    const media = byId.get(id);
    if (media === undefined) problems.push({ field, message: 'not found' });
    else if (media.ownerId !== authorId) problems.push({ field, message: 'not yours' });
    else if (media.status !== 'ready') problems.push({ field, message: `not ready (${media.status})` });
  });
  return problems;
}

export function createMediaChecker(client: ServiceClient): MediaChecker {
  return {
    async assertUsable(authorId, mediaIds, authorization) {
      if (mediaIds.length === 0) return;
      let items: Media[];
      try {
        const response = await client.request<MediaBatchResponse>({
          method: 'POST',
          path: '/internal/media/batch',
          body: { ids: mediaIds },
          headers: { authorization },
        });
        items = response.body.items;
      } catch (error) {
        // Whatever went wrong upstream (down, slow, a 5xx, an answer we cannot use), the post cannot be
        // checked, so it is not created: the client may retry (with its Idempotency-Key).
        if (error instanceof UnavailableError) throw error;
        if (error instanceof UpstreamTimeoutError || error instanceof UpstreamResponseError) {
          throw new UnavailableError('media service did not answer the media check', {
            code: 'media-unavailable',
            cause: error,
          });
        }
        throw error;
      }
      const problems = mediaProblems(authorId, mediaIds, items);
      if (problems.length > 0) {
        throw new HttpProblem(422, 'invalid-media', 'Some media cannot be attached', {
          detail: 'Every media id must exist, belong to the author and be ready',
          extra: { errors: problems },
        });
      }
    },
  };
}
