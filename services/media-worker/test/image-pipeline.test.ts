// The image pipeline on generated images: sizes, orientation, metadata, placeholder, and poison input.
import { describe, expect, it } from '@jest/globals';
import exifr from 'exifr';
import sharp from 'sharp';
import { thumbHashToApproximateAspectRatio } from 'thumbhash';
import { MediaRejectedError } from '../src/domain/failure-reason.ts';
import { variantSizesFor } from '../src/domain/variant-specs.ts';
import { processImage } from '../src/pipeline/image-pipeline.ts';
import { makeJpeg, makePng, makePngBomb, truncate } from './support/images.ts';

const options = { maxInputPixels: 50_000_000, sizes: variantSizesFor('image') };

async function rejection(input: Buffer): Promise<MediaRejectedError> {
  const error = await processImage(input, options).then(
    () => undefined,
    (failure: unknown) => failure,
  );
  if (!(error instanceof MediaRejectedError)) throw new Error(`expected a MediaRejectedError, got ${String(error)}`);
  return error;
}

function byName(variants: Awaited<ReturnType<typeof processImage>>['variants']) {
  return Object.fromEntries(variants.map((v) => [`${v.size.name}${v.format.suffix}`, v]));
}

describe('processImage', () => {
  it('writes thumb (320², cover), small (640 wide) and large (1080 wide) in WebP and JPEG', async () => {
    const result = await processImage(await makeJpeg(2000, 1500), options);
    expect({ width: result.width, height: result.height }).toEqual({ width: 2000, height: 1500 });
    const variants = byName(result.variants);
    const sizes = Object.fromEntries(Object.entries(variants).map(([name, v]) => [name, [v.width, v.height]]));
    expect(sizes).toEqual({
      large: [1080, 810],
      large_jpeg: [1080, 810],
      small: [640, 480],
      small_jpeg: [640, 480],
      thumb: [320, 320],
      thumb_jpeg: [320, 320],
    });
    // The encoded bytes really are what they claim, at the dimensions reported.
    for (const variant of result.variants) {
      const meta = await sharp(variant.data).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual([
        variant.format.extension === 'jpg' ? 'jpeg' : 'webp',
        variant.width,
        variant.height,
      ]);
    }
  });

  it('never enlarges the display sizes of a small image (the square thumbnail is always 320²)', async () => {
    const variants = byName((await processImage(await makePng(500, 250), options)).variants);
    expect([variants.large?.width, variants.large?.height]).toEqual([500, 250]);
    expect([variants.small?.width, variants.small?.height]).toEqual([500, 250]);
    expect([variants.thumb?.width, variants.thumb?.height]).toEqual([320, 320]);
  });

  it('auto-orients: an EXIF-rotated (orientation 6) 1200×800 photo comes out upright, 800 wide', async () => {
    const input = await makeJpeg(1200, 800, { orientation: 6 });
    const result = await processImage(input, options);
    expect({ width: result.width, height: result.height }).toEqual({ width: 800, height: 1200 });
    const large = byName(result.variants).large_jpeg;
    expect([large?.width, large?.height]).toEqual([800, 1200]);
    // Nothing left for a viewer to rotate a second time.
    expect((await sharp(large?.data).metadata()).orientation).toBeUndefined();
  });

  it('strips metadata: GPS present in the original is absent from every variant', async () => {
    const input = await makeJpeg(1600, 1200, { gps: true });
    expect(await exifr.gps(input)).toMatchObject({ latitude: expect.any(Number) });
    const result = await processImage(input, options);
    for (const variant of result.variants) {
      // exifr reads JPEG but not WebP; for WebP, sharp reports any EXIF/XMP/IPTC chunk it finds.
      if (variant.format.extension === 'jpg') {
        expect(await exifr.gps(variant.data)).toBeUndefined();
        expect(await exifr.parse(variant.data)).toBeUndefined();
      }
      const meta = await sharp(variant.data).metadata();
      expect([meta.exif, meta.xmp, meta.iptc]).toEqual([undefined, undefined, undefined]);
    }
  });

  it('flattens transparency onto white for the JPEG fallback and keeps it in WebP', async () => {
    const variants = byName((await processImage(await makePng(400, 400, true), options)).variants);
    expect((await sharp(variants.small?.data).metadata()).hasAlpha).toBe(true);
    const jpeg = await sharp(variants.small_jpeg?.data).raw().toBuffer({ resolveWithObject: true });
    expect(jpeg.info.channels).toBe(3);
  });

  it('computes a ThumbHash placeholder with the image aspect ratio', async () => {
    const { placeholder } = await processImage(await makeJpeg(1200, 600), options);
    const hash = Buffer.from(placeholder, 'base64');
    expect(hash.length).toBeGreaterThan(5);
    expect(hash.length).toBeLessThan(40);
    expect(thumbHashToApproximateAspectRatio(hash)).toBeCloseTo(2, 0);
  });

  it('refuses a decompression bomb from its header, fast: image-too-large', async () => {
    const bomb = makePngBomb(60_000, 60_000);
    expect(bomb.length).toBeLessThan(200);
    const started = performance.now();
    const error = await rejection(bomb);
    expect(error.reason).toBe('image-too-large');
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('applies the configured pixel limit to real images too', async () => {
    const input = await makePng(1000, 1000);
    const error = await processImage(input, { ...options, maxInputPixels: 999_999 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaRejectedError);
    expect((error as MediaRejectedError).reason).toBe('image-too-large');
  });

  it('names a truncated JPEG and random bytes corrupt-image', async () => {
    expect((await rejection(truncate(await makeJpeg(800, 600)))).reason).toBe('corrupt-image');
    expect((await rejection(Buffer.from('definitely not an image'))).reason).toBe('corrupt-image');
  });
});
