// The worker's behaviour on real NATS, written once and run against each file store (s3rver and the
// local store) by the two small *.test.ts files beside it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import exifr from 'exifr';
import sharp from 'sharp';
import type { MediaStreams } from '../../src/events/media-streams.ts';
import { makeJpeg, makePng, makePngBomb, truncate } from './images.ts';
import { readAll, type TestStore } from './stores.ts';
import {
  deleteStreams,
  newJob,
  type RunningWorker,
  startMediaSide,
  startWorker,
  uniqueStreams,
} from './worker-harness.ts';

type MediaSide = Awaited<ReturnType<typeof startMediaSide>>;

export function describeWorker(name: string, makeStore: () => Promise<TestStore>): void {
  describe(`media worker on NATS with the ${name} store`, () => {
    let storage: TestStore;
    let streams: MediaStreams;
    let media: MediaSide;
    let worker: RunningWorker;

    beforeAll(async () => {
      storage = await makeStore();
      streams = uniqueStreams();
      media = await startMediaSide(streams);
      worker = await startWorker(storage.store, streams);
    });

    afterAll(async () => {
      await worker.stop();
      await media.close();
      await deleteStreams(streams);
      await storage.close();
    });

    async function upload(bytes: Buffer, contentType: string, fields: { declaredSize?: number } = {}) {
      const job = newJob({ declaredContentType: contentType, declaredSize: fields.declaredSize ?? bytes.length });
      await storage.store.put(job.objectKey, bytes, { contentType });
      return job;
    }

    it('processes a photo: media.processed with six variants of the design sizes, GPS gone', async () => {
      const original = await makeJpeg(2400, 1800, { gps: true });
      expect(await exifr.gps(original)).toBeDefined();
      const job = await upload(original, 'image/jpeg');
      await media.publishJob(job);
      const result = await media.waitForResult(job.mediaId);

      expect(result).toMatchObject({ type: 'media.processed', id: `${job.mediaId}:processed`, subject: job.mediaId });
      const data = result.data as {
        contentType: string;
        width: number;
        height: number;
        placeholder: string;
        variants: Record<string, { key: string; width: number; height: number; contentType: string }>;
      };
      expect(data).toMatchObject({
        mediaId: job.mediaId,
        kind: 'image',
        contentType: 'image/jpeg',
        width: 2400,
        height: 1800,
      });
      expect(data.placeholder).toMatch(/^[A-Za-z0-9+/]+=*$/);
      const sizes = Object.fromEntries(
        Object.entries(data.variants).map(([variant, v]) => [
          variant,
          `${v.width}x${v.height} ${v.contentType} ${v.key}`,
        ]),
      );
      const key = (file: string) => `variants/${job.mediaId}/${file}`;
      expect(sizes).toEqual({
        thumb: `320x320 image/webp ${key('thumb.webp')}`,
        thumb_jpeg: `320x320 image/jpeg ${key('thumb.jpg')}`,
        small: `640x480 image/webp ${key('small.webp')}`,
        small_jpeg: `640x480 image/jpeg ${key('small.jpg')}`,
        large: `1080x810 image/webp ${key('large.webp')}`,
        large_jpeg: `1080x810 image/jpeg ${key('large.jpg')}`,
      });
      // What the store holds matches the event, and carries no location.
      for (const variant of Object.values(data.variants)) {
        const bytes = await readAll(storage.store, variant.key);
        const meta = await sharp(bytes).metadata();
        expect([meta.width, meta.height, meta.exif]).toEqual([variant.width, variant.height, undefined]);
        expect((await storage.store.head(variant.key)).contentType).toBe(variant.contentType);
        if (variant.contentType === 'image/jpeg') expect(await exifr.gps(bytes)).toBeUndefined();
      }
      const attempts = worker.outcomes.filter((o) => o.mediaId === job.mediaId);
      expect(attempts.map((o) => [o.outcome, o.deliveryCount])).toEqual([['processed', 1]]);
    });

    it.each([
      [
        'a text file declared as JPEG',
        async () => Buffer.from('hello, I am not a picture\n'.repeat(20)),
        'image/jpeg',
        'unrecognised-content',
      ],
      ['a truncated JPEG', async () => truncate(await makeJpeg(900, 600)), 'image/jpeg', 'corrupt-image'],
      [
        'corrupt data after a valid JPEG signature',
        async () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(4000, 7)]),
        'image/jpeg',
        'corrupt-image',
      ],
      ['a PNG declared as JPEG', async () => makePng(300, 200), 'image/jpeg', 'type-mismatch'],
      ['a decompression bomb', async () => makePngBomb(50_000, 50_000), 'image/png', 'image-too-large'],
    ])('%s ends in media.processing_failed (%#) after one attempt, not retried', async (_what, make, type, reason) => {
      const job = await upload(await make(), type);
      await media.publishJob(job);
      const result = await media.waitForResult(job.mediaId);
      expect(result).toMatchObject({
        type: 'media.processing_failed',
        id: `${job.mediaId}:failed`,
        data: { mediaId: job.mediaId, reason },
      });
      expect(await storage.store.head(`variants/${job.mediaId}/thumb.webp`).catch(() => 'none')).toBe('none');
      // Acknowledged on the first delivery: give a retry time to happen, then check it did not.
      await new Promise((resolve) => setTimeout(resolve, 600));
      const attempts = worker.outcomes.filter((o) => o.mediaId === job.mediaId);
      expect(attempts.map((o) => [o.outcome, o.reason, o.deliveryCount])).toEqual([['rejected', reason, 1]]);
    });

    it('refuses an original larger than declared, and a missing original', async () => {
      const bytes = await makeJpeg(300, 200);
      const tooBig = await upload(bytes, 'image/jpeg', { declaredSize: bytes.length - 10 });
      const missing = newJob({ declaredContentType: 'image/jpeg', declaredSize: 1000 });
      await media.publishJob(tooBig);
      await media.publishJob(missing);
      expect((await media.waitForResult(tooBig.mediaId)).data).toEqual({
        mediaId: tooBig.mediaId,
        reason: 'size-mismatch',
      });
      expect((await media.waitForResult(missing.mediaId)).data).toEqual({
        mediaId: missing.mediaId,
        reason: 'original-missing',
      });
    });

    it('processes a job twice without harm (idempotent): the second result is de-duplicated', async () => {
      const job = await upload(await makeJpeg(500, 500), 'image/jpeg');
      await media.publishJob(job);
      await media.waitForResult(job.mediaId);
      await media.publishJob(job); // e.g. the media service's relay published again after a crash
      const deadline = Date.now() + 10_000;
      while (worker.outcomes.filter((o) => o.mediaId === job.mediaId).length < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(worker.outcomes.filter((o) => o.mediaId === job.mediaId).map((o) => o.outcome)).toEqual([
        'processed',
        'processed',
      ]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(media.results.get(job.mediaId)?.length).toBe(1);
    });
  });
}
