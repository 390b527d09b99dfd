// Real image bytes made by sharp. Noise does not compress, so the files are tens of kilobytes: larger
// than the API's 16 kB body limit, which proves uploads do not pass through the API's body parser.
import sharp from 'sharp';

export function jpeg(width = 160, height = 120): Promise<Buffer> {
  return sharp({
    create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } },
  })
    .jpeg({ quality: 90 })
    .toBuffer();
}

export function webp(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#3366cc' } })
    .webp()
    .toBuffer();
}
