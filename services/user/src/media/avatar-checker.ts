// Checks an avatar against the media service, which owns media, with the same internal lookup the post
// service uses for post media (POST /internal/media/batch, the caller's token forwarded): the media must
// exist, belong to the caller, be ready and be an image. Otherwise 422 `invalid-avatar`, and nothing is
// written. Media service down, slow or not configured → 503 `media-unavailable`, before any write.
import { UnavailableError } from '@scalegram/contracts/errors';
import type { Media, MediaBatchResponse } from '@scalegram/contracts/media';
import { HttpProblem } from '@scalegram/kit/http-problem';
import type { ServiceClient } from '@scalegram/kit/service-client';
import { UpstreamResponseError, UpstreamTimeoutError } from '@scalegram/kit/upstream-errors';

export interface AvatarChecker {
  /** Resolves when `mediaId` may be `userId`'s avatar; throws 422 `invalid-avatar` (or 503) otherwise. */
  assertUsable(userId: string, mediaId: string, authorization: string): Promise<void>;
}

/** Pure: why a media item cannot be the user's avatar, or undefined when it can. */
export function avatarProblem(userId: string, media: Media | undefined): string | undefined {
  if (media === undefined) return 'not found';
  if (media.ownerId !== userId) return 'not yours';
  if (media.status !== 'ready') return `not ready (${media.status})`;
  if (media.kind !== 'image') return `not an image (${media.kind})`;
  return undefined;
}

function unavailable(cause?: unknown): UnavailableError {
  return new UnavailableError('the media service could not check the avatar', { code: 'media-unavailable', cause });
}

/** `client` undefined: no media service is configured, so no avatar can be checked (503). */
export function createAvatarChecker(client: ServiceClient | undefined): AvatarChecker {
  return {
    async assertUsable(userId, mediaId, authorization) {
      if (client === undefined) throw unavailable();
      let items: Media[];
      try {
        const response = await client.request<MediaBatchResponse>({
          method: 'POST',
          path: '/internal/media/batch',
          body: { ids: [mediaId] },
          headers: { authorization },
        });
        items = response.body.items;
      } catch (error) {
        // Down, slow, a circuit open, or an answer we cannot use: the avatar cannot be checked, so it is not set.
        if (
          error instanceof UnavailableError ||
          error instanceof UpstreamTimeoutError ||
          error instanceof UpstreamResponseError
        ) {
          throw unavailable(error);
        }
        throw error;
      }
      const problem = avatarProblem(
        userId,
        items.find((item) => item.id === mediaId),
      );
      if (problem !== undefined) {
        throw new HttpProblem(422, 'invalid-avatar', 'This media cannot be your avatar', {
          detail: 'An avatar must be an image of yours that is ready.',
          extra: { errors: [{ field: '/body/avatarMediaId', message: problem }] },
        });
      }
    },
  };
}
