// The placeholder clients paint before a variant arrives: a ThumbHash (about 25 bytes, base64) of the
// image scaled to fit 100 × 100, which is the largest input the ThumbHash encoder accepts.
import type { Sharp } from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';

const MAX_SIDE = 100;

export async function thumbHashOf(image: Sharp): Promise<string> {
  const { data, info } = await image
    .resize({ width: MAX_SIDE, height: MAX_SIDE, fit: 'inside' })
    .ensureAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  return Buffer.from(rgbaToThumbHash(info.width, info.height, data)).toString('base64');
}
