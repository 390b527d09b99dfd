// Real image bytes for seeded posts and the media-upload scenario: a gradient with a few shapes, drawn
// as SVG and rendered by sharp (libvips) to PNG or JPEG. Each image is a pure function of its seed, so a
// re-run uploads the same pictures, and they are different enough from each other to look like a feed
// (and to give the media worker real decoding, resizing and re-encoding work).
import sharp from 'sharp';
import { createRng, type Rng } from '../rng.ts';

export type SeedImageFormat = 'png' | 'jpeg';

export interface SeedImage {
  bytes: Uint8Array;
  contentType: 'image/png' | 'image/jpeg';
  width: number;
  height: number;
}

export interface SeedImageOptions {
  seed: number;
  /** Default: PNG for odd seeds, JPEG for even ones. */
  format?: SeedImageFormat;
  /** Default: one of 640×640, 800×600, 600×800 chosen by the seed. */
  width?: number;
  height?: number;
}

const SIZES: ReadonlyArray<readonly [number, number]> = [
  [640, 640],
  [800, 600],
  [600, 800],
];

const hsl = (rng: Rng, lightness: number) => `hsl(${rng.int(360)}, ${55 + rng.int(35)}%, ${lightness + rng.int(15)}%)`;

/** The SVG source: exported so the drawing can be checked without rendering. */
export function seedImageSvg(seed: number, width: number, height: number): string {
  const rng = createRng(seed);
  const angle = rng.int(360);
  const shapes: string[] = [];
  const count = 3 + rng.int(5);
  for (let i = 0; i < count; i++) {
    const x = rng.int(width);
    const y = rng.int(height);
    const size = Math.round(Math.min(width, height) * (0.08 + rng.next() * 0.25));
    const fill = hsl(rng, 45);
    const opacity = (0.45 + rng.next() * 0.45).toFixed(2);
    if (rng.next() < 0.5) {
      shapes.push(`<circle cx="${x}" cy="${y}" r="${size}" fill="${fill}" fill-opacity="${opacity}"/>`);
    } else {
      shapes.push(
        `<rect x="${x - size}" y="${y - size}" width="${size * 2}" height="${Math.round(size * 1.4)}" rx="${rng.int(size)}" ` +
          `fill="${fill}" fill-opacity="${opacity}" transform="rotate(${rng.int(90)} ${x} ${y})"/>`,
      );
    }
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<defs><linearGradient id="g" gradientTransform="rotate(${angle} 0.5 0.5)">` +
    `<stop offset="0" stop-color="${hsl(rng, 25)}"/><stop offset="1" stop-color="${hsl(rng, 60)}"/>` +
    `</linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/>${shapes.join('')}</svg>`
  );
}

export async function generateSeedImage(options: SeedImageOptions): Promise<SeedImage> {
  const [defaultWidth, defaultHeight] = SIZES[Math.abs(options.seed) % SIZES.length] as readonly [number, number];
  const width = options.width ?? defaultWidth;
  const height = options.height ?? defaultHeight;
  const format = options.format ?? (Math.abs(options.seed) % 2 === 1 ? 'png' : 'jpeg');
  const image = sharp(Buffer.from(seedImageSvg(options.seed, width, height)));
  const buffer =
    format === 'png'
      ? await image.png({ compressionLevel: 6 }).toBuffer()
      : await image.jpeg({ quality: 82 }).toBuffer();
  return {
    bytes: new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength),
    contentType: format === 'png' ? 'image/png' : 'image/jpeg',
    width,
    height,
  };
}
