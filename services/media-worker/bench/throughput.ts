// Media worker throughput: images per second per core on a generated 12-megapixel JPEG, through the
// worker's job function (processMediaJob: read the original from the local store, detect the type,
// pixel check, decode, auto-orient, six variants, ThumbHash, write the variants), against sharp doing
// the same transforms in a bare loop, in the same run. libvips is limited to one thread
// (sharp.concurrency(1)) so the figures are per core, and its operation cache is off so that no
// iteration reuses another's result.
//
// Two baselines: "decode once" is the same strategy as the worker (decode to 1080 px once, derive
// every variant from those pixels): the honest yardstick for the worker's overhead. "one pipeline per
// output" is how a quick script would do it (decode the original again for each of the seven outputs).
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalStore } from '@scalegram/file-store/local-store';
import sharp, { type Sharp } from 'sharp';
import { processMediaJob } from '../src/pipeline/process-media-job.ts';

sharp.concurrency(1);
sharp.cache(false);

const WIDTH = 4000;
const HEIGHT = 3000;
const ROUNDS = 3;
const PER_ROUND = 4;

const photo = await sharp({
  create: {
    width: WIDTH,
    height: HEIGHT,
    channels: 3,
    background: '#6a8',
    noise: { type: 'gaussian', mean: 120, sigma: 30 },
  },
})
  .blur(1.2)
  .jpeg({ quality: 88 })
  .toBuffer();

const directory = await mkdtemp(join(tmpdir(), 'media-worker-bench-'));
const store = createLocalStore({
  directory,
  signingSecret: 'x'.repeat(32),
  publicBaseUrl: 'http://127.0.0.1:1/files',
  maxUploadBytes: 64 * 1024 * 1024,
});
await store.ensureBucket();
await store.put('originals/1/1', photo, { contentType: 'image/jpeg' });
let sequence = 0;

async function worker(): Promise<void> {
  const mediaId = String(++sequence);
  await processMediaJob(
    {
      mediaId,
      ownerId: '1',
      objectKey: 'originals/1/1',
      declaredContentType: 'image/jpeg',
      declaredSize: photo.length,
      kind: 'image',
    },
    { store, maxInputPixels: 50_000_000, videoTools: undefined, tempDirectory: directory },
  );
}

async function encodeBoth(image: Sharp): Promise<void> {
  await image.clone().webp({ quality: 80 }).toBuffer();
  await image.clone().flatten({ background: '#ffffff' }).jpeg({ quality: 80 }).toBuffer();
}

async function decodeOnce(): Promise<void> {
  const { data, info } = await sharp(photo)
    .autoOrient()
    .resize({ width: 1080, height: 3240, fit: 'inside', withoutEnlargement: true })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const raw = () => sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
  await encodeBoth(raw());
  for (const resize of [
    { width: 640, height: 1920, fit: 'inside' as const },
    { width: 320, height: 320, fit: 'cover' as const, position: 'attention' },
  ]) {
    const pixels = await raw().resize(resize).raw().toBuffer({ resolveWithObject: true });
    await encodeBoth(
      sharp(pixels.data, {
        raw: { width: pixels.info.width, height: pixels.info.height, channels: pixels.info.channels },
      }),
    );
  }
  await raw().resize({ width: 100, height: 100, fit: 'inside' }).ensureAlpha().raw().toBuffer();
}

async function onePipelinePerOutput(): Promise<void> {
  for (const resize of [
    { width: 1080, height: 3240, fit: 'inside' as const },
    { width: 640, height: 1920, fit: 'inside' as const },
    { width: 320, height: 320, fit: 'cover' as const, position: 'attention' },
  ]) {
    await encodeBoth(sharp(photo).autoOrient().resize(resize));
  }
  await sharp(photo).autoOrient().resize({ width: 100, height: 100, fit: 'inside' }).ensureAlpha().raw().toBuffer();
}

const contenders = { worker, decodeOnce, onePipelinePerOutput };
const totals: Record<keyof typeof contenders, { ms: number; images: number }> = {
  worker: { ms: 0, images: 0 },
  decodeOnce: { ms: 0, images: 0 },
  onePipelinePerOutput: { ms: 0, images: 0 },
};
for (const run of Object.values(contenders)) await run(); // warm-up
const started = performance.now();
for (let round = 0; round < ROUNDS; round++) {
  // Alternating within each round spreads the machine's noise over all three.
  for (const [name, run] of Object.entries(contenders) as [keyof typeof contenders, () => Promise<void>][]) {
    const t0 = performance.now();
    for (let i = 0; i < PER_ROUND; i++) await run();
    totals[name].ms += performance.now() - t0;
    totals[name].images += PER_ROUND;
  }
}
const rate = (name: keyof typeof contenders) => (totals[name].images * 1000) / totals[name].ms;

const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
console.log(
  `Media worker throughput: ${new Date().toISOString()}, Node ${process.version}, ${availableParallelism()} cores (${cpu}), sharp ${sharp.versions.sharp} / libvips ${sharp.versions.vips}`,
);
console.log(
  `${WIDTH}×${HEIGHT} JPEG (${(photo.length / 1024 / 1024).toFixed(1)} MiB), libvips on 1 thread, ${ROUNDS} alternating rounds × ${PER_ROUND} images each, ${((performance.now() - started) / 1000).toFixed(1)} s measured.`,
);
console.log('');
console.log('| pipeline | images/s per core | ms per image | worker / this |');
console.log('|---|---:|---:|---:|');
for (const name of Object.keys(contenders) as (keyof typeof contenders)[]) {
  const label = {
    worker: 'worker job function (processMediaJob, local store)',
    decodeOnce: 'bare sharp, decode once (same strategy)',
    onePipelinePerOutput: 'bare sharp, one pipeline per output',
  }[name];
  console.log(
    `| ${label} | ${rate(name).toFixed(2)} | ${(1000 / rate(name)).toFixed(0)} | ${(rate('worker') / rate(name)).toFixed(2)} |`,
  );
}
await store.close();
await rm(directory, { recursive: true, force: true });
