// One job, start to finish: fetch the original (bounded), check its real type, render the variants,
// store them. Returns the `media.processed` data; throws MediaRejectedError for poison input and
// anything else (store unreachable, ...) for the caller to retry.
//
// Idempotent by construction: variant keys are derived from the media id and overwritten on a second
// run, and nothing here depends on what a previous attempt left behind.
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { NotFoundError } from '@scalegram/contracts/errors';
import type {
  MediaProcessedData,
  MediaProcessRequestedData,
  ProcessedVariant,
} from '@scalegram/contracts/media-events';
import type { FileStore, StoredObject } from '@scalegram/file-store/port';
import { fileTypeFromBuffer, fileTypeFromFile } from 'file-type';
import { checkDetectedType } from '../domain/content-type-check.ts';
import { FailureReason, MediaRejectedError } from '../domain/failure-reason.ts';
import { variantKey, variantName, variantSizesFor } from '../domain/variant-specs.ts';
import { readBounded, writeBounded } from './bounded-read.ts';
import { type ProcessedImage, processImage } from './image-pipeline.ts';
import { extractPoster, probeVideo, type VideoTools } from './video-tools.ts';

export interface MediaJobDeps {
  store: FileStore;
  /** Pixel limit of a source image or poster frame (decompression bombs). */
  maxInputPixels: number;
  /** ffprobe/ffmpeg, or undefined when they are not installed (videos then fail). */
  videoTools: VideoTools | undefined;
  /** Where a video is copied for ffprobe/ffmpeg, which need a seekable file. */
  tempDirectory: string;
}

export async function processMediaJob(job: MediaProcessRequestedData, deps: MediaJobDeps): Promise<MediaProcessedData> {
  const original = await openOriginal(deps.store, job);
  return job.kind === 'image' ? processImageJob(job, original, deps) : processVideoJob(job, original, deps);
}

async function openOriginal(store: FileStore, job: MediaProcessRequestedData): Promise<StoredObject> {
  let original: StoredObject;
  try {
    original = await store.get(job.objectKey);
  } catch (error) {
    if (error instanceof NotFoundError) {
      throw new MediaRejectedError(FailureReason.originalMissing, `no object at ${job.objectKey}`, { cause: error });
    }
    throw error;
  }
  if (original.contentLength > job.declaredSize) {
    original.body.destroy();
    throw new MediaRejectedError(
      FailureReason.sizeMismatch,
      `the original has ${original.contentLength} bytes, ${job.declaredSize} were declared`,
    );
  }
  return original;
}

async function processImageJob(
  job: MediaProcessRequestedData,
  original: StoredObject,
  deps: MediaJobDeps,
): Promise<MediaProcessedData> {
  const bytes = await readBounded(original.body, job.declaredSize);
  const contentType = checkDetectedType('image', job.declaredContentType, (await fileTypeFromBuffer(bytes))?.mime);
  const image = await processImage(bytes, { maxInputPixels: deps.maxInputPixels, sizes: variantSizesFor('image') });
  return {
    mediaId: job.mediaId,
    kind: 'image',
    contentType,
    width: image.width,
    height: image.height,
    variants: await storeVariants(deps.store, job.mediaId, image),
    placeholder: image.placeholder,
  };
}

async function processVideoJob(
  job: MediaProcessRequestedData,
  original: StoredObject,
  deps: MediaJobDeps,
): Promise<MediaProcessedData> {
  const directory = await mkdtemp(join(deps.tempDirectory, 'media-worker-'));
  try {
    const file = join(directory, 'original');
    await writeBounded(original.body, job.declaredSize, file);
    const contentType = checkDetectedType('video', job.declaredContentType, (await fileTypeFromFile(file))?.mime);
    if (!deps.videoTools) {
      throw new MediaRejectedError(FailureReason.videoToolsUnavailable, 'ffprobe/ffmpeg are not installed here');
    }
    const probe = await probeVideo(deps.videoTools, file);
    const frame = await extractPoster(deps.videoTools, file, probe.durationMs);
    const poster = await processImage(frame, { maxInputPixels: deps.maxInputPixels, sizes: variantSizesFor('video') });
    return {
      mediaId: job.mediaId,
      kind: 'video',
      contentType,
      // The poster frame's dimensions: what a player displays, after the container's rotation.
      width: poster.width,
      height: poster.height,
      durationMs: probe.durationMs,
      variants: await storeVariants(deps.store, job.mediaId, poster),
      placeholder: poster.placeholder,
    };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

async function storeVariants(
  store: FileStore,
  mediaId: string,
  image: ProcessedImage,
): Promise<Record<string, ProcessedVariant>> {
  const entries = await Promise.all(
    image.variants.map(async (variant) => {
      const key = variantKey(mediaId, variant.size, variant.format);
      await store.put(key, variant.data, { contentType: variant.format.contentType });
      const stored: ProcessedVariant = {
        key,
        width: variant.width,
        height: variant.height,
        contentType: variant.format.contentType,
      };
      return [variantName(variant.size, variant.format), stored] as const;
    }),
  );
  return Object.fromEntries(entries);
}
