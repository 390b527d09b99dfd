// The variants the worker writes, and where they go. Sizes come from the design (issue #4): a square
// thumbnail for grids and two display widths, each in WebP with a JPEG fallback for old clients.
import type { MediaKind } from '@scalegram/contracts/media';

export interface VariantSize {
  /** API name of the WebP rendition; the JPEG one is `<name>_jpeg`. */
  name: string;
  width: number;
  /**
   * `cover`: exactly width × height, cropped to fill (square thumbnails).
   * `inside`: width at most `width`, aspect ratio kept, never enlarged.
   */
  fit: 'cover' | 'inside';
  height: number;
}

// `inside` boxes also cap the height at three times the width, so that an extreme panorama (say
// 1000 × 40000, still under the pixel limit) does not produce a 40000-pixel-tall "display" image;
// ordinary photos (portrait up to 1:3) are limited by their width alone.
const insideBox = (name: string, width: number): VariantSize => ({ name, width, height: width * 3, fit: 'inside' });

export const THUMB: VariantSize = { name: 'thumb', width: 320, height: 320, fit: 'cover' };
export const SMALL = insideBox('small', 640);
export const LARGE = insideBox('large', 1080);
/** A video's poster frame, sized like `large`. */
export const POSTER = insideBox('poster', 1080);

/** Images get thumb/small/large; a video gets thumb/small plus its poster at the large size. */
export function variantSizesFor(kind: MediaKind): readonly VariantSize[] {
  return kind === 'image' ? [LARGE, SMALL, THUMB] : [POSTER, SMALL, THUMB];
}

export interface VariantFormat {
  /** Appended to the size name for the API key: `small` + `_jpeg`. */
  suffix: '' | '_jpeg';
  extension: 'webp' | 'jpg';
  contentType: 'image/webp' | 'image/jpeg';
}

export const VARIANT_FORMATS: readonly VariantFormat[] = [
  { suffix: '', extension: 'webp', contentType: 'image/webp' },
  { suffix: '_jpeg', extension: 'jpg', contentType: 'image/jpeg' },
];

/** File-store key of a variant: `variants/<mediaId>/<size>.<webp|jpg>`. */
export function variantKey(mediaId: string, size: VariantSize, format: VariantFormat): string {
  return `variants/${mediaId}/${size.name}.${format.extension}`;
}

/** Name of a variant in `media.processed` and the API: `thumb`, `thumb_jpeg`, ... */
export function variantName(size: VariantSize, format: VariantFormat): string {
  return `${size.name}${format.suffix}`;
}
