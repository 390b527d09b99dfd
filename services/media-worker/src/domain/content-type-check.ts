// Decides whether the type detected from the bytes is acceptable for what the client declared. Pure: the
// detection itself (file-type, reading magic numbers) happens in the pipeline.
import { MEDIA_IMAGE_TYPES, MEDIA_VIDEO_TYPES, type MediaKind } from '@scalegram/contracts/media';
import { FailureReason, MediaRejectedError } from './failure-reason.ts';

const ACCEPTED: Record<MediaKind, readonly string[]> = { image: MEDIA_IMAGE_TYPES, video: MEDIA_VIDEO_TYPES };

/**
 * Returns the detected type when it is an accepted type of the job's kind and equals the declared one;
 * otherwise throws MediaRejectedError. `detected` is undefined when no known signature matched.
 */
export function checkDetectedType(kind: MediaKind, declared: string, detected: string | undefined): string {
  if (detected === undefined) {
    throw new MediaRejectedError(
      FailureReason.unrecognisedContent,
      `declared ${declared}, but the bytes match no known format`,
    );
  }
  if (!ACCEPTED[kind].includes(detected)) {
    throw new MediaRejectedError(FailureReason.unsupportedType, `the bytes are ${detected}, which is not accepted`);
  }
  if (detected !== declared) {
    throw new MediaRejectedError(FailureReason.typeMismatch, `declared ${declared}, but the bytes are ${detected}`);
  }
  return detected;
}
