// Media shapes shared by the media service (which owns them), the post service (which checks that
// attached media are ready and the author's) and the gateway (which hydrates feeds with variant URLs).
import Type from 'typebox';
import { Id } from './ids.ts';

/**
 * Image types accepted for upload. HEIC is not among them: sharp's prebuilt libvips cannot decode
 * HEVC-compressed HEIC (the codec is patent-encumbered and left out of the binaries), so an accepted
 * HEIC upload could never be processed. Clients convert to JPEG first, as most already do on export.
 */
export const MEDIA_IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'] as const;
export const MEDIA_VIDEO_TYPES = ['video/mp4', 'video/quicktime'] as const;
export const MEDIA_CONTENT_TYPES = [...MEDIA_IMAGE_TYPES, ...MEDIA_VIDEO_TYPES] as const;

export type MediaImageType = (typeof MEDIA_IMAGE_TYPES)[number];
export type MediaVideoType = (typeof MEDIA_VIDEO_TYPES)[number];
export type MediaContentType = (typeof MEDIA_CONTENT_TYPES)[number];

export const MediaStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('processing'),
  Type.Literal('ready'),
  Type.Literal('failed'),
]);
export type MediaStatus = Type.Static<typeof MediaStatus>;

export const MediaKind = Type.Union([Type.Literal('image'), Type.Literal('video')]);
export type MediaKind = Type.Static<typeof MediaKind>;

/** One rendition of a media item: `thumb`, `small`, `large`, their `_jpeg` fallbacks, `poster` for video. */
export const MediaVariant = Type.Object({
  url: Type.String({ description: 'Presigned GET, or a stable URL under the public/CDN base URL' }),
  width: Type.Integer({ minimum: 1 }),
  height: Type.Integer({ minimum: 1 }),
  contentType: Type.String(),
});
export type MediaVariant = Type.Static<typeof MediaVariant>;

export const Media = Type.Object(
  {
    id: Id,
    ownerId: Id,
    status: MediaStatus,
    kind: MediaKind,
    /** Declared at upload; once processed, the type detected from the bytes. */
    contentType: Type.String(),
    size: Type.Integer({ minimum: 1, description: 'Size of the original in bytes' }),
    width: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
    height: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
    durationMs: Type.Optional(Type.Integer({ minimum: 0 })),
    variants: Type.Record(Type.String(), MediaVariant),
    placeholder: Type.Optional(Type.String({ description: 'ThumbHash of the image, base64' })),
    failureReason: Type.Optional(Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Media' },
);
export type Media = Type.Static<typeof Media>;

/** POST /api/v1/media: what the client intends to upload. Checked against the allow-list and limits. */
export const CreateMediaRequest = Type.Object(
  {
    contentType: Type.String({ minLength: 1, maxLength: 255, description: 'e.g. image/jpeg' }),
    size: Type.Integer({ minimum: 1, description: 'Exact size of the upload in bytes' }),
  },
  { additionalProperties: false },
);
export type CreateMediaRequest = Type.Static<typeof CreateMediaRequest>;

/** How to upload: send `uploadMethod` to `uploadUrl` with exactly `uploadHeaders` before `expiresAt`. */
export const MediaUpload = Type.Object({
  id: Id,
  uploadUrl: Type.String(),
  uploadMethod: Type.Literal('PUT'),
  uploadHeaders: Type.Record(Type.String(), Type.String()),
  expiresAt: Type.String({ format: 'date-time' }),
});
export type MediaUpload = Type.Static<typeof MediaUpload>;

/** Internal: batch lookup, used by the post service (ownership and readiness) and for hydration. */
export const MAX_BATCH_MEDIA = 100;
export const MediaBatchRequest = Type.Object(
  { ids: Type.Array(Id, { minItems: 1, maxItems: MAX_BATCH_MEDIA, uniqueItems: true }) },
  { additionalProperties: false },
);
export type MediaBatchRequest = Type.Static<typeof MediaBatchRequest>;

/** Unknown ids are omitted, so the caller can tell "not found" from the ids it got back. */
export const MediaBatchResponse = Type.Object({ items: Type.Array(Media) });
export type MediaBatchResponse = Type.Static<typeof MediaBatchResponse>;
