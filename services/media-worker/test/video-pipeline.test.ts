// Videos through the job pipeline with the real ffprobe/ffmpeg (this file is excluded by jest.config.js
// when they are missing): a 1-second MP4 generated with ffmpeg's testsrc, stored in the local store.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { MediaRejectedError } from '../src/domain/failure-reason.ts';
import { processMediaJob } from '../src/pipeline/process-media-job.ts';
import { findVideoTools, type VideoTools } from '../src/pipeline/video-tools.ts';
import { readAll, startLocalStore, type TestStore } from './support/stores.ts';
import { newJob } from './support/worker-harness.ts';

const run = promisify(execFile);
let local: TestStore;
let tools: VideoTools;
let scratch: string;
let mp4: Buffer;

beforeAll(async () => {
  local = await startLocalStore();
  const found = await findVideoTools();
  if (!found) throw new Error('jest.config.js should have excluded this file: ffmpeg/ffprobe are missing');
  tools = found;
  scratch = await mkdtemp(join(tmpdir(), 'media-worker-video-'));
  const file = join(scratch, 'testsrc.mp4');
  await run('ffmpeg', [
    ...['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=duration=1:size=1280x720:rate=25'],
    ...['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-preset', 'ultrafast', file],
  ]);
  mp4 = await readFile(file);
});

afterAll(async () => {
  await local.close();
  await rm(scratch, { recursive: true, force: true });
});

const deps = () => ({ store: local.store, maxInputPixels: 50_000_000, videoTools: tools, tempDirectory: scratch });

describe('video jobs', () => {
  it('probes duration and dimensions and renders a poster with thumb and small variants', async () => {
    const job = newJob({ kind: 'video', declaredContentType: 'video/mp4', declaredSize: mp4.length });
    await local.store.put(job.objectKey, mp4, { contentType: 'video/mp4' });
    const result = await processMediaJob(job, deps());

    expect(result).toMatchObject({ kind: 'video', contentType: 'video/mp4', width: 1280, height: 720 });
    expect(result.durationMs).toBeGreaterThanOrEqual(950);
    expect(result.durationMs).toBeLessThanOrEqual(1100);
    const sizes = Object.fromEntries(Object.entries(result.variants).map(([name, v]) => [name, [v.width, v.height]]));
    expect(sizes).toEqual({
      poster: [1080, 608],
      poster_jpeg: [1080, 608],
      small: [640, 360],
      small_jpeg: [640, 360],
      thumb: [320, 320],
      thumb_jpeg: [320, 320],
    });
    const poster = await sharp(await readAll(local.store, `variants/${job.mediaId}/poster.jpg`)).stats();
    // testsrc is colourful: a real frame, not a black or empty image.
    expect(poster.entropy).toBeGreaterThan(3);
    // The temporary copy is gone.
    await expect(readdir(scratch)).resolves.toEqual(['testsrc.mp4']);
  });

  it('fails a file that looks like an MP4 but is not decodable: corrupt-video', async () => {
    const broken = Buffer.concat([mp4.subarray(0, 64), Buffer.alloc(2000, 1)]);
    const job = newJob({ kind: 'video', declaredContentType: 'video/mp4', declaredSize: broken.length });
    await local.store.put(job.objectKey, broken, { contentType: 'video/mp4' });
    const error = await processMediaJob(job, deps()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaRejectedError);
    expect((error as MediaRejectedError).reason).toBe('corrupt-video');
  });
});
