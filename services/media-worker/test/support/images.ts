// Test inputs generated on the fly: photos with EXIF GPS and orientation (written by sharp), a
// decompression bomb, a truncated JPEG. Nothing is checked in as a binary fixture.
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';

/** A noisy photo-like JPEG (noise keeps encoders honest), optionally with EXIF GPS and orientation. */
export async function makeJpeg(
  width: number,
  height: number,
  options: { gps?: boolean; orientation?: number } = {},
): Promise<Buffer> {
  let image = sharp({
    create: { width, height, channels: 3, background: '#4a7', noise: { type: 'gaussian', mean: 128, sigma: 40 } },
  });
  if (options.gps) {
    image = image.withExif({
      IFD0: { Make: 'Scalegram', Model: 'Test camera' },
      // GPS IFD: 48°51'30"N 2°17'40"E (the Eiffel tower).
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 30/1', GPSLongitudeRef: 'E', GPSLongitude: '2/1 17/1 40/1' },
    });
  }
  if (options.orientation !== undefined) image = image.withMetadata({ orientation: options.orientation });
  return image.jpeg({ quality: 90 }).toBuffer();
}

export async function makePng(width: number, height: number, alpha = false): Promise<Buffer> {
  return sharp({
    create: { width, height, channels: alpha ? 4 : 3, background: { r: 200, g: 30, b: 90, alpha: alpha ? 0.5 : 1 } },
  })
    .png()
    .toBuffer();
}

/**
 * A valid-looking PNG of a few dozen bytes whose header declares `width` × `height` pixels: what a
 * decompression bomb looks like to a decoder before it allocates the canvas.
 */
export function makePngBomb(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, no filter, no interlace
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.alloc(1024))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** The first `fraction` of a JPEG: the header is intact, the scan data stops half-way. */
export function truncate(bytes: Buffer, fraction = 0.5): Buffer {
  return bytes.subarray(0, Math.floor(bytes.length * fraction));
}
