// The job pipeline without a broker: what a video job does on a machine without ffmpeg, and how the
// declared container type is checked against the bytes (no ffmpeg needed for either).
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MediaRejectedError } from '../src/domain/failure-reason.ts';
import { processMediaJob } from '../src/pipeline/process-media-job.ts';
import { makePng } from './support/images.ts';
import { startLocalStore, type TestStore } from './support/stores.ts';
import { newJob } from './support/worker-harness.ts';

let local: TestStore;
beforeAll(async () => {
  local = await startLocalStore();
});
afterAll(async () => {
  await local.close();
});

/** The first box of an ISO media file: enough for type detection, nothing a decoder could play. */
function ftyp(brand: string): Buffer {
  const box = Buffer.alloc(32);
  box.writeUInt32BE(32, 0);
  box.write(`ftyp${brand}`, 4, 'latin1');
  box.write(`${brand}mp41`, 16, 'latin1');
  return box;
}

async function reasonFor(bytes: Buffer, declaredContentType: string): Promise<string> {
  const job = newJob({ kind: 'video', declaredContentType, declaredSize: bytes.length });
  await local.store.put(job.objectKey, bytes, { contentType: declaredContentType });
  const error = await processMediaJob(job, {
    store: local.store,
    maxInputPixels: 50_000_000,
    videoTools: undefined,
    tempDirectory: tmpdir(),
  }).catch((e: unknown) => e);
  if (!(error instanceof MediaRejectedError)) throw new Error(`expected a rejection, got ${String(error)}`);
  return error.reason;
}

describe('video jobs without ffmpeg/ffprobe', () => {
  it('fail with video-tools-unavailable once the type is confirmed', async () => {
    expect(await reasonFor(ftyp('isom'), 'video/mp4')).toBe('video-tools-unavailable');
  });

  it('still check the container type first: QuickTime declared as MP4 is a type-mismatch', async () => {
    expect(await reasonFor(ftyp('qt  '), 'video/mp4')).toBe('type-mismatch');
  });

  it('refuse an image uploaded as a video', async () => {
    expect(await reasonFor(await makePng(10, 10), 'video/mp4')).toBe('unsupported-type');
  });
});
