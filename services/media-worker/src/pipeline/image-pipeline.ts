// The image pipeline: header check, one decode, variants, placeholder. Pure with respect to I/O: bytes
// in, encoded variants out; storing them is the job's business (process-media-job.ts).
//
// Why decode once: a 12-megapixel JPEG costs far more to decode than to encode at 1080 pixels. The
// original is decoded (with JPEG shrink-on-load), auto-oriented and reduced to the largest box any
// variant needs, kept as raw pixels, and every smaller variant is resized from those pixels.
// Metadata is stripped because sharp writes none unless asked to (`withMetadata`/`keepExif`): EXIF
// (GPS included), XMP and IPTC never reach a variant.
import sharp, { type Sharp } from 'sharp';
import { FailureReason, MediaRejectedError } from '../domain/failure-reason.ts';
import { VARIANT_FORMATS, type VariantFormat, type VariantSize } from '../domain/variant-specs.ts';
import { thumbHashOf } from './placeholder.ts';

export interface ImagePipelineOptions {
  /** Largest accepted width × height of the source; more is refused before decoding. */
  maxInputPixels: number;
  /** Variant sizes, largest box first (see variantSizesFor). */
  sizes: readonly VariantSize[];
  /** Encoder quality for WebP and JPEG (1-100). */
  quality?: number;
}

export interface RenderedVariant {
  size: VariantSize;
  format: VariantFormat;
  width: number;
  height: number;
  data: Buffer;
}

export interface ProcessedImage {
  /** Dimensions of the auto-oriented original. */
  width: number;
  height: number;
  variants: RenderedVariant[];
  /** ThumbHash of the image, base64: a ~25-byte blurred preview clients show while loading. */
  placeholder: string;
}

interface RawImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

const DEFAULT_QUALITY = 80;

export async function processImage(input: Buffer, options: ImagePipelineOptions): Promise<ProcessedImage> {
  const [largest] = options.sizes;
  if (!largest) throw new TypeError('at least one variant size is required');
  const header = await guarded(() => sharp(input, { limitInputPixels: options.maxInputPixels }).metadata());
  // Checked from the header, before any pixel is decoded: a 50 kB PNG may declare a 100000 × 100000
  // canvas (a decompression bomb) and would otherwise take gigabytes of memory. `limitInputPixels`
  // below enforces the same limit inside libvips as a second line of defence.
  if (header.width * header.height > options.maxInputPixels) {
    throw new MediaRejectedError(
      FailureReason.imageTooLarge,
      `${header.width} × ${header.height} pixels exceeds the limit of ${options.maxInputPixels}`,
    );
  }

  const base = await guarded(() =>
    toRaw(
      sharp(input, { limitInputPixels: options.maxInputPixels, failOn: 'warning' })
        .autoOrient()
        .resize({ width: largest.width, height: largest.height, fit: 'inside', withoutEnlargement: true }),
    ),
  );
  const quality = options.quality ?? DEFAULT_QUALITY;
  const variants: RenderedVariant[] = [];
  for (const size of options.sizes) {
    const pixels = size === largest ? base : await guarded(() => toRaw(resized(base, size)));
    for (const format of VARIANT_FORMATS) {
      const { data, info } = await guarded(() => encode(fromRaw(pixels), format, quality));
      variants.push({ size, format, width: info.width, height: info.height, data });
    }
  }
  const placeholder = await guarded(() => thumbHashOf(fromRaw(base)));
  return { width: header.autoOrient.width, height: header.autoOrient.height, variants, placeholder };
}

function resized(base: RawImage, size: VariantSize): Sharp {
  const image = fromRaw(base);
  return size.fit === 'cover'
    ? image.resize({ width: size.width, height: size.height, fit: 'cover', position: 'attention' })
    : image.resize({ width: size.width, height: size.height, fit: 'inside', withoutEnlargement: true });
}

async function toRaw(image: Sharp): Promise<RawImage> {
  // sRGB, 8 bits per channel: the common ground of every encoder and of the placeholder.
  const { data, info } = await image
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

function fromRaw(raw: RawImage): Sharp {
  return sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: raw.channels } });
}

function encode(image: Sharp, format: VariantFormat, quality: number) {
  if (format.extension === 'webp') return image.webp({ quality }).toBuffer({ resolveWithObject: true });
  // JPEG has no alpha channel: transparent areas become white rather than libvips' default black.
  return image.flatten({ background: '#ffffff' }).jpeg({ quality }).toBuffer({ resolveWithObject: true });
}

/**
 * Runs one step of the image library. The input is already in memory, so a failure is a property of
 * the bytes (the same on every attempt): it becomes a MediaRejectedError and is never retried.
 */
async function guarded<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof MediaRejectedError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    const reason = /pixel limit/i.test(message) ? FailureReason.imageTooLarge : FailureReason.corruptImage;
    throw new MediaRejectedError(reason, `the image cannot be decoded: ${message.split('\n')[0]}`, { cause: error });
  }
}
