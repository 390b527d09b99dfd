// Why a media item could not be processed. These are "poison" outcomes: the same bytes would fail the
// same way on every attempt, so the worker reports them once (media.processing_failed) and acknowledges
// the job instead of retrying it. Anything else that goes wrong is treated as transient and retried.

export const FailureReason = {
  /** The bytes are not any format we can recognise (e.g. a text file declared as image/jpeg). */
  unrecognisedContent: 'unrecognised-content',
  /** The bytes are a supported format, but not the one declared at upload. */
  typeMismatch: 'type-mismatch',
  /** The bytes are a recognised format that Scalegram does not accept (e.g. a PDF, a HEIC). */
  unsupportedType: 'unsupported-type',
  /** The image declares more pixels than the configured limit (a decompression bomb, or just too big). */
  imageTooLarge: 'image-too-large',
  /** The image library could not decode the image (truncated or damaged data). */
  corruptImage: 'corrupt-image',
  /** ffprobe/ffmpeg could not read the video or find a video stream in it. */
  corruptVideo: 'corrupt-video',
  /** The stored original is larger than the size declared (and bound into the upload URL). */
  sizeMismatch: 'size-mismatch',
  /** The original is not in the store (deleted after "complete"). */
  originalMissing: 'original-missing',
  /** A video arrived but this worker has no ffmpeg/ffprobe (its container image installs them). */
  videoToolsUnavailable: 'video-tools-unavailable',
  /** Transient failures on every allowed delivery: the worker gave up and reports it. */
  processingExhausted: 'processing-exhausted',
} as const;

export type FailureReason = (typeof FailureReason)[keyof typeof FailureReason];

/** Thrown by the pipeline for poison input: report `reason`, do not retry. */
export class MediaRejectedError extends Error {
  override name = 'MediaRejectedError';
  readonly reason: FailureReason;
  constructor(reason: FailureReason, message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.reason = reason;
  }
}
