// What may be uploaded, decided before anything is stored: the declared type must be on the
// allow-list and the declared size within the limit for its kind. Pure: unit tested without I/O.
import {
  MEDIA_IMAGE_TYPES,
  MEDIA_VIDEO_TYPES,
  type MediaContentType,
  type MediaKind,
} from '@scalegram/contracts/media';

export interface MediaLimits {
  maxImageBytes: number;
  maxVideoBytes: number;
}

export type UploadDecision =
  | { ok: true; kind: MediaKind; contentType: MediaContentType }
  | { ok: false; reason: 'unsupported-type'; allowed: readonly string[] }
  | { ok: false; reason: 'too-large'; kind: MediaKind; maxBytes: number };

const ALLOWED: readonly string[] = [...MEDIA_IMAGE_TYPES, ...MEDIA_VIDEO_TYPES];

export function kindOf(contentType: string): MediaKind | undefined {
  if ((MEDIA_IMAGE_TYPES as readonly string[]).includes(contentType)) return 'image';
  if ((MEDIA_VIDEO_TYPES as readonly string[]).includes(contentType)) return 'video';
  return undefined;
}

/**
 * Media types are case-insensitive (RFC 9110), so `Image/JPEG` is accepted and canonicalised to
 * `image/jpeg`; that canonical form is what the presigned URL binds, so the client must send it.
 * Parameters (`; charset=…`) are refused: none of the allowed types has any.
 */
export function decideUpload(declared: { contentType: string; size: number }, limits: MediaLimits): UploadDecision {
  const contentType = declared.contentType.trim().toLowerCase();
  const kind = kindOf(contentType);
  if (kind === undefined) return { ok: false, reason: 'unsupported-type', allowed: ALLOWED };
  const maxBytes = kind === 'image' ? limits.maxImageBytes : limits.maxVideoBytes;
  if (declared.size > maxBytes) return { ok: false, reason: 'too-large', kind, maxBytes };
  return { ok: true, kind, contentType: contentType as MediaContentType };
}

/** Where a client's upload goes: under its owner, so a listing per owner is one prefix. */
export const originalKey = (ownerId: string, mediaId: string) => `originals/${ownerId}/${mediaId}`;

/** Every variant of a media item lives under this prefix (the worker writes `<name>.<webp|jpg>`). */
export const variantPrefix = (mediaId: string) => `variants/${mediaId}/`;

/**
 * Does the stored object match what was declared? Content types compare case-insensitively; the
 * local store and S3 both keep exactly what the client sent (bound by the signature on real S3).
 */
export function uploadMismatch(
  declared: { contentType: string; size: number },
  stored: { contentType: string; contentLength: number },
): string | undefined {
  if (stored.contentLength !== declared.size) {
    return `the upload has ${stored.contentLength} bytes, ${declared.size} were declared`;
  }
  if (stored.contentType.trim().toLowerCase() !== declared.contentType) {
    return `the upload has type ${stored.contentType}, ${declared.contentType} was declared`;
  }
  return undefined;
}
