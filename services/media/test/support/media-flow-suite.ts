// The upload → complete → process → read → delete flow, written once and run against both file
// stores (s3rver and the local store) from two small test files. Uploads go over real HTTP with fetch;
// jobs and events go through real NATS JetStream; metadata lives in a real PostgreSQL database.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NotFoundError } from '@scalegram/contracts/errors';
import { createEvent } from '@scalegram/contracts/events';
import { MEDIA_WORKER_EVENT_SOURCE, MediaEventType } from '@scalegram/contracts/media-events';
import { jpeg, webp } from './images.ts';
import { createUpload, type MediaHarness, putBytes, startHarness, waitFor } from './media-harness.ts';
import type { StoreKind } from './test-stores.ts';

export function describeMediaFlow(kind: StoreKind): void {
  describe(`media flow on the ${kind} store`, () => {
    let h: MediaHarness;

    beforeAll(async () => {
      h = await startHarness({ store: kind, bus: true });
    }, 30_000);

    afterAll(async () => {
      await h.close();
    });

    const complete = (id: string, headers: Record<string, string>) =>
      fetch(`${h.baseUrl}/api/v1/media/${id}/complete`, { method: 'POST', headers });
    const get = async (id: string, headers: Record<string, string>) => {
      const response = await fetch(`${h.baseUrl}/api/v1/media/${id}`, { headers });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const jobsFor = (id: string) => h.jobs.filter((job) => job.event.subject === id);

    /** Creates an upload of real JPEG bytes, PUTs them and completes it; returns the id and bytes. */
    async function uploaded(user: { headers: Record<string, string> }) {
      const bytes = await jpeg();
      const created = await createUpload(h, user.headers, { contentType: 'image/jpeg', size: bytes.length });
      expect(created.status).toBe(201);
      expect((await putBytes(created.body, bytes)).status).toBe(200);
      return { id: created.body.id, bytes };
    }

    /** Publishes a worker report on the bus, exactly as the media worker does. */
    async function report(type: string, mediaId: string, data: Record<string, unknown>) {
      const event = createEvent({ type, source: MEDIA_WORKER_EVENT_SOURCE, subject: mediaId, data });
      const suffix = type === MediaEventType.processed ? 'processed' : 'failed';
      await h.bus?.publish(h.streams.subjectPrefix + type, event, { msgId: `${mediaId}:${suffix}` });
    }

    it('create → presigned PUT of real JPEG bytes → complete queues exactly one job; a repeat queues nothing', async () => {
      const user = await h.user();
      const bytes = await jpeg();
      const created = await createUpload(h, user.headers, { contentType: 'image/jpeg', size: bytes.length });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        uploadMethod: 'PUT',
        uploadHeaders: { 'content-type': 'image/jpeg', 'content-length': String(bytes.length) },
      });
      expect(Date.parse(String(created.body.expiresAt))).toBeGreaterThan(Date.now());
      const { id } = created.body;
      expect((await get(id, user.headers)).body).toMatchObject({ id, status: 'pending', ownerId: user.id });

      const put = await putBytes(created.body, bytes);
      expect(put.status).toBe(200);
      const stored = await h.store.head(`originals/${user.id}/${id}`);
      expect(stored).toMatchObject({ contentLength: bytes.length, contentType: 'image/jpeg' });

      const first = await complete(id, user.headers);
      expect(first.status).toBe(202);
      expect(await first.json()).toEqual({ id, status: 'processing' });
      await waitFor(() => jobsFor(id).length === 1);
      expect(jobsFor(id)[0]).toMatchObject({
        subject: `${h.streams.subjectPrefix}media_jobs.process`,
        event: {
          type: 'media.process_requested',
          source: '/services/media',
          data: {
            mediaId: id,
            ownerId: user.id,
            objectKey: `originals/${user.id}/${id}`,
            declaredContentType: 'image/jpeg',
            declaredSize: bytes.length,
            kind: 'image',
          },
        },
      });

      const again = await complete(id, user.headers);
      expect(again.status).toBe(202);
      expect(await again.json()).toEqual({ id, status: 'processing' });
      // Nothing new in the outbox, and once it is drained the job stream has held exactly one message.
      const outboxJobs = await h.db.database.db
        .selectFrom('outbox')
        .select(['event_id', 'sent_at'])
        .where('aggregate', '=', id)
        .execute();
      expect(outboxJobs).toHaveLength(1);
      await waitFor(
        async () =>
          (await h.db.database.db.selectFrom('outbox').select('sent_at').where('sent_at', 'is', null).execute())
            .length === 0,
      );
      expect((await h.bus?.streamState(h.streams.jobs))?.lastSeq).toBe(h.jobs.length);
      expect(jobsFor(id)).toHaveLength(1);
      expect((await get(id, user.headers)).body).toMatchObject({ status: 'processing', variants: {} });
    });

    it('media.processed from the worker makes it ready, with variant URLs that download; a redelivery changes nothing', async () => {
      const user = await h.user();
      const { id } = await uploaded(user);
      expect((await complete(id, user.headers)).status).toBe(202);
      const thumb = await webp(320, 320);
      const large = await webp(1080, 810);
      await h.store.put(`variants/${id}/thumb.webp`, thumb, { contentType: 'image/webp' });
      await h.store.put(`variants/${id}/large.webp`, large, { contentType: 'image/webp' });
      const data = {
        mediaId: id,
        kind: 'image',
        contentType: 'image/jpeg',
        width: 4000,
        height: 3000,
        variants: {
          thumb: { key: `variants/${id}/thumb.webp`, width: 320, height: 320, contentType: 'image/webp' },
          large: { key: `variants/${id}/large.webp`, width: 1080, height: 810, contentType: 'image/webp' },
        },
        placeholder: 'YJqGPQw7sFlslqhFafOY9oiLcIA=',
      };
      await report(MediaEventType.processed, id, data);
      await waitFor(async () => (await get(id, user.headers)).body.status === 'ready');

      const other = await h.user();
      const { body } = await get(id, other.headers);
      expect(body).toMatchObject({
        id,
        status: 'ready',
        kind: 'image',
        width: 4000,
        height: 3000,
        placeholder: data.placeholder,
        variants: {
          thumb: { width: 320, height: 320, contentType: 'image/webp' },
          large: { width: 1080, height: 810, contentType: 'image/webp' },
        },
      });
      const variants = body.variants as Record<string, { url: string }>;
      for (const [name, expected] of [
        ['thumb', thumb],
        ['large', large],
      ] as const) {
        const download = await fetch(variants[name]?.url ?? '');
        expect(download.status).toBe(200);
        expect(Buffer.from(await download.arrayBuffer()).equals(expected)).toBe(true);
      }
      await waitFor(() => h.events.some((r) => r.event.type === 'media.ready' && r.event.subject === id));
      expect(h.events.find((r) => r.event.type === 'media.ready' && r.event.subject === id)?.event.data).toEqual({
        mediaId: id,
        ownerId: user.id,
      });

      // A failure report arriving late (or a duplicate) finds the row no longer processing: no change.
      await report(MediaEventType.processingFailed, id, { mediaId: id, reason: 'late' });
      await report(MediaEventType.processed, id, { ...data, width: 1 });
      const marker = await uploaded(user);
      await complete(marker.id, user.headers);
      await report(MediaEventType.processingFailed, marker.id, { mediaId: marker.id, reason: 'marker' });
      await waitFor(async () => (await get(marker.id, user.headers)).body.status === 'failed');
      expect((await get(id, user.headers)).body).toMatchObject({ status: 'ready', width: 4000 });
      expect(h.events.filter((r) => r.event.subject === id && r.event.type.startsWith('media.ready'))).toHaveLength(1);

      // Completing a ready item is a conflict.
      const late = await complete(id, user.headers);
      expect(late.status).toBe(409);
      expect(await late.json()).toMatchObject({ code: 'already-processed', status: 409 });
    });

    it('media.processing_failed makes it failed with the reason, announced as media.failed', async () => {
      const user = await h.user();
      const { id } = await uploaded(user);
      await complete(id, user.headers);
      await report(MediaEventType.processingFailed, id, { mediaId: id, reason: 'type-mismatch' });
      await waitFor(async () => (await get(id, user.headers)).body.status === 'failed');
      expect((await get(id, user.headers)).body).toMatchObject({
        status: 'failed',
        failureReason: 'type-mismatch',
        variants: {},
      });
      await waitFor(() => h.events.some((r) => r.event.type === 'media.failed' && r.event.subject === id));
      expect(h.events.find((r) => r.event.type === 'media.failed' && r.event.subject === id)?.event.data).toEqual({
        mediaId: id,
        ownerId: user.id,
        reason: 'type-mismatch',
      });
    });

    it('refuses a declared size over the limit (413) and a text type (415), storing nothing', async () => {
      const user = await h.user();
      const tooLarge = await createUpload(h, user.headers, { contentType: 'image/png', size: 1024 * 1024 + 1 });
      expect(tooLarge.status).toBe(413);
      expect(tooLarge.body).toMatchObject({
        code: 'media-too-large',
        maxBytes: 1024 * 1024,
        detail: `an image may have at most ${1024 * 1024} bytes`,
      });
      const text = await createUpload(h, user.headers, { contentType: 'text/plain', size: 10 });
      expect(text.status).toBe(415);
      expect(text.body).toMatchObject({ code: 'unsupported-media-type' });
      // A video may be larger than an image.
      expect((await createUpload(h, user.headers, { contentType: 'video/mp4', size: 2 * 1024 * 1024 })).status).toBe(
        201,
      );
      const rows = await h.db.database.db
        .selectFrom('media')
        .select(['content_type', 'kind'])
        .where('owner_id', '=', user.id)
        .execute();
      expect(rows).toEqual([{ content_type: 'video/mp4', kind: 'video' }]);
    });

    it('complete before the upload is 409 upload-missing and queues nothing', async () => {
      const user = await h.user();
      const created = await createUpload(h, user.headers, { contentType: 'image/jpeg', size: 1000 });
      const response = await complete(created.body.id, user.headers);
      expect(response.status).toBe(409);
      expect(await response.json()).toMatchObject({ code: 'upload-missing' });
      expect((await get(created.body.id, user.headers)).body.status).toBe('pending');
      expect(
        await h.db.database.db
          .selectFrom('outbox')
          .select('event_id')
          .where('aggregate', '=', created.body.id)
          .execute(),
      ).toEqual([]);
    });

    it('complete with an object that does not match the declaration is 422 and deletes the object', async () => {
      const user = await h.user();
      const bytes = await jpeg();
      const created = await createUpload(h, user.headers, { contentType: 'image/jpeg', size: bytes.length });
      const key = `originals/${user.id}/${created.body.id}`;
      // What a client could store where the store does not check the signed length (s3rver; see
      // docs/building-blocks/file-store.md), or a type the store did not bind.
      await h.store.put(key, Buffer.concat([bytes, Buffer.from('trailing')]), { contentType: 'image/jpeg' });
      const longer = await complete(created.body.id, user.headers);
      expect(longer.status).toBe(422);
      expect(await longer.json()).toMatchObject({ code: 'upload-mismatch' });
      await expect(h.store.head(key)).rejects.toBeInstanceOf(NotFoundError);

      await h.store.put(key, bytes, { contentType: 'image/png' });
      expect((await complete(created.body.id, user.headers)).status).toBe(422);
      await expect(h.store.head(key)).rejects.toBeInstanceOf(NotFoundError);
      expect((await get(created.body.id, user.headers)).body.status).toBe('pending');

      // The same URL still works for a correct upload.
      expect((await putBytes(created.body, bytes)).status).toBe(200);
      expect((await complete(created.body.id, user.headers)).status).toBe(202);
    });

    it("someone else's media: 403 on complete and delete, nothing changes", async () => {
      const owner = await h.user();
      const stranger = await h.user();
      const { id } = await uploaded(owner);
      const completed = await complete(id, stranger.headers);
      expect(completed.status).toBe(403);
      expect(await completed.json()).toMatchObject({ code: 'not-media-owner' });
      const deleted = await fetch(`${h.baseUrl}/api/v1/media/${id}`, { method: 'DELETE', headers: stranger.headers });
      expect(deleted.status).toBe(403);
      expect((await get(id, owner.headers)).body.status).toBe('pending');
      expect((await h.store.head(`originals/${owner.id}/${id}`)).contentLength).toBeGreaterThan(0);
    });

    it('delete (owner) removes the original, the variants and the row, and announces media.deleted', async () => {
      const user = await h.user();
      const { id } = await uploaded(user);
      await complete(id, user.headers);
      await h.store.put(`variants/${id}/thumb.webp`, await webp(32, 32), { contentType: 'image/webp' });
      const response = await fetch(`${h.baseUrl}/api/v1/media/${id}`, { method: 'DELETE', headers: user.headers });
      expect(response.status).toBe(204);
      expect((await get(id, user.headers)).status).toBe(404);
      await expect(h.store.head(`originals/${user.id}/${id}`)).rejects.toBeInstanceOf(NotFoundError);
      await expect(h.store.head(`variants/${id}/thumb.webp`)).rejects.toBeInstanceOf(NotFoundError);
      await waitFor(() => h.events.some((r) => r.event.type === 'media.deleted' && r.event.subject === id));
      expect((await fetch(`${h.baseUrl}/api/v1/media/${id}`, { method: 'DELETE', headers: user.headers })).status).toBe(
        404,
      );

      // The worker finishing after the delete: its variants are removed, nothing is resurrected.
      await h.store.put(`variants/${id}/late.webp`, await webp(32, 32), { contentType: 'image/webp' });
      await h.bus?.publish(
        `${h.streams.subjectPrefix}${MediaEventType.processed}`,
        createEvent({
          type: MediaEventType.processed,
          source: MEDIA_WORKER_EVENT_SOURCE,
          subject: id,
          data: {
            mediaId: id,
            kind: 'image',
            contentType: 'image/jpeg',
            width: 32,
            height: 32,
            variants: { thumb: { key: `variants/${id}/late.webp`, width: 32, height: 32, contentType: 'image/webp' } },
            placeholder: 'x',
          },
        }),
      );
      await waitFor(async () => {
        try {
          await h.store.head(`variants/${id}/late.webp`);
          return false;
        } catch (error) {
          return error instanceof NotFoundError;
        }
      });
      expect((await get(id, user.headers)).status).toBe(404);
    });

    it('batch: any valid token, request order, unknown ids left out', async () => {
      const user = await h.user();
      const a = await createUpload(h, user.headers, { contentType: 'image/gif', size: 100 });
      const b = await createUpload(h, user.headers, { contentType: 'video/quicktime', size: 100 });
      const ids = [b.body.id, '12345', a.body.id];
      for (const token of [user.token, await h.tokens.serviceToken('media:read')]) {
        const response = await fetch(`${h.baseUrl}/internal/media/batch`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ ids }),
        });
        expect(response.status).toBe(200);
        const body = (await response.json()) as {
          items: { id: string; kind: string; status: string; ownerId: string }[];
        };
        expect(body.items.map((m) => [m.id, m.kind, m.status, m.ownerId])).toEqual([
          [b.body.id, 'video', 'pending', user.id],
          [a.body.id, 'image', 'pending', user.id],
        ]);
      }
      const anonymous = await fetch(`${h.baseUrl}/internal/media/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ids }),
      });
      expect(anonymous.status).toBe(401);
    });
  });
}
