// The one contract every FileStore adapter must satisfy, run unchanged against s3rver (through the
// S3 adapter) and against the local store (through its Fastify routes on a real port). Presigned
// URLs are exercised with real `fetch` requests, as a browser or mobile client would use them.
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InvalidInputError, NotFoundError } from '@scalegram/contracts/errors';
import { MAX_KEY_LENGTH, MAX_SEGMENT_LENGTH } from '../../src/object-key.ts';
import type { FileStore } from '../../src/port.ts';

export interface FileStoreHarness {
  store: FileStore;
  /**
   * Known deviations of the server behind `store` from real S3 and MinIO (all false for a faithful
   * one). The suite asserts the real behaviour where there is no deviation, and the deviating one
   * where there is, so that a gap can neither go unnoticed nor silently change. Details and sources:
   * docs/building-blocks/file-store.md.
   */
  deviations: {
    /** Accepts SigV4 presigned requests without verifying the signature (s3rver checks expiry only). */
    ignoresSignatures: boolean;
    /** Lists in on-disk file-name order, which differs from byte order when a key segment is a
     *  prefix of a sibling (`a` vs `a-b`, or `a` beside `a/b`); paging such keys loses some. */
    listsInFileNameOrder: boolean;
    /** Ignores `If-None-Match: *` on PUT (s3rver 3.7 honours it on GET only; S3 and MinIO refuse with 412). */
    ignoresConditionalPut: boolean;
  };
  close(): Promise<void>;
}

const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex');
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** A stream of `size` pseudo-random bytes in 64 KiB chunks, and the SHA-256 of what it yields. */
function generatedStream(size: number): { stream: Readable; digest: string } {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < size; offset += 65536) chunks.push(randomBytes(Math.min(65536, size - offset)));
  return { stream: Readable.from(chunks), digest: sha256(Buffer.concat(chunks)) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function describeFileStoreContract(name: string, makeHarness: () => Promise<FileStoreHarness>): void {
  describe(`FileStore contract: ${name}`, () => {
    let harness: FileStoreHarness;
    let store: FileStore;

    beforeAll(async () => {
      harness = await makeHarness();
      store = harness.store;
      await store.ensureBucket();
    });

    afterAll(async () => {
      await harness.close();
    });

    it('ensureBucket is idempotent and keeps existing objects', async () => {
      await store.put('bucket/kept.txt', Buffer.from('kept'), { contentType: 'text/plain' });
      await store.ensureBucket();
      await store.ensureBucket();
      expect((await store.head('bucket/kept.txt')).contentLength).toBe(4);
    });

    it('round-trips binary content byte for byte, with its type, size, etag and metadata', async () => {
      const bytes = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(10_000)]);
      const before = Date.now();
      const put = await store.put('roundtrip/all-bytes.bin', bytes, {
        contentType: 'application/octet-stream',
        metadata: { owner: 'user-42', 'cache-control': 'not-a-header-here', checksum: md5(bytes) },
      });
      expect(put).toEqual({ key: 'roundtrip/all-bytes.bin', etag: md5(bytes) });

      const object = await store.get('roundtrip/all-bytes.bin');
      expect((await readAll(object.body)).equals(bytes)).toBe(true);
      expect(object).toMatchObject({
        key: 'roundtrip/all-bytes.bin',
        contentType: 'application/octet-stream',
        contentLength: bytes.length,
        etag: md5(bytes),
        metadata: { owner: 'user-42', 'cache-control': 'not-a-header-here', checksum: md5(bytes) },
      });
      // S3 keeps Last-Modified to the second.
      expect(object.lastModified.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
      expect(object.lastModified.getTime()).toBeLessThanOrEqual(Date.now());
    });

    it('replaces an object on a second put', async () => {
      await store.put('replace/x', Buffer.from('first version'), { contentType: 'text/plain', metadata: { v: '1' } });
      await store.put('replace/x', Buffer.from('second'), { contentType: 'image/png' });
      const object = await store.get('replace/x');
      expect((await readAll(object.body)).toString()).toBe('second');
      expect(object).toMatchObject({ contentType: 'image/png', contentLength: 6, metadata: {} });
    });

    it('streams a 5 MB object in and out without changing a byte', async () => {
      const size = 5 * 1024 * 1024 + 123;
      const { stream, digest } = generatedStream(size);
      await store.put('large/five-mb.bin', stream, { contentType: 'video/mp4', contentLength: size });
      const object = await store.get('large/five-mb.bin');
      expect(object.contentLength).toBe(size);
      const bytes = await readAll(object.body);
      expect(bytes.length).toBe(size);
      expect(sha256(bytes)).toBe(digest);
    });

    it('requires a stream to declare its length and refuses one that does not match', async () => {
      const unknown = generatedStream(1000).stream;
      await expect(
        store.put('large/unknown.bin', unknown, { contentType: 'image/webp' } as never),
      ).rejects.toBeInstanceOf(InvalidInputError);
      const longer = generatedStream(1001).stream;
      await expect(
        store.put('large/mismatch.bin', longer, { contentType: 'image/webp', contentLength: 1000 }),
      ).rejects.toBeInstanceOf(InvalidInputError);
      const shorter = generatedStream(999).stream;
      await expect(
        store.put('large/mismatch.bin', shorter, { contentType: 'image/webp', contentLength: 1000 }),
      ).rejects.toBeInstanceOf(InvalidInputError);
      await expect(
        store.put('large/mismatch.bin', Buffer.alloc(3), { contentType: 'image/webp', contentLength: 4 }),
      ).rejects.toBeInstanceOf(InvalidInputError);
      await expect(store.head('large/mismatch.bin')).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.head('large/unknown.bin')).rejects.toBeInstanceOf(NotFoundError);
    });

    it('heads an object without its body', async () => {
      await store.put('head/a.json', Buffer.from('{"a":1}'), { contentType: 'application/json', metadata: { k: 'v' } });
      const info = await store.head('head/a.json');
      expect(info).toMatchObject({ key: 'head/a.json', contentType: 'application/json', contentLength: 7 });
      expect(info.metadata).toEqual({ k: 'v' });
      expect(info.etag).toBe(md5(Buffer.from('{"a":1}')));
      expect(info).not.toHaveProperty('body');
    });

    it('raises NotFoundError for a missing object on get and head', async () => {
      await expect(store.get('missing/nothing-here')).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.head('missing/nothing-here')).rejects.toBeInstanceOf(NotFoundError);
    });

    it('deletes idempotently', async () => {
      await store.put('delete/me', Buffer.from('x'), { contentType: 'text/plain' });
      await store.delete('delete/me');
      await expect(store.head('delete/me')).rejects.toBeInstanceOf(NotFoundError);
      await store.delete('delete/me');
      await store.delete('delete/never-existed');
      await expect(store.get('delete/me')).rejects.toBeInstanceOf(NotFoundError);
    });

    describe('list', () => {
      // Byte order, not locale order: `B` < `a`, and `-` < `.` < `/` < `0`.
      const keys = ['p/a0', 'p/B', 'p/a-b', 'p/c/d', 'p/a.c', 'p/b', 'pz', 'q/x', 'p/c/e'];
      const listed = ['p/B', 'p/a-b', 'p/a.c', 'p/a0', 'p/b', 'p/c/d', 'p/c/e'].map((key) => `list/${key}`);

      beforeAll(async () => {
        for (const key of keys) await store.put(`list/${key}`, Buffer.from(key), { contentType: 'text/plain' });
      });

      it('returns the keys under a prefix in byte order, with size and etag', async () => {
        const items = await collect(store.list('list/p/'));
        expect(items.map((item) => item.key)).toEqual(listed);
        const first = items[0]!;
        expect(first.contentLength).toBe(3);
        expect(first.etag).toBe(md5(Buffer.from('p/B')));
        expect(first.lastModified).toBeInstanceOf(Date);
      });

      it('treats the prefix as a string prefix, not a folder', async () => {
        const items = await collect(store.list('list/p'));
        expect(items.map((item) => item.key)).toEqual([...listed, 'list/pz']);
        expect((await collect(store.list('list/p/c'))).map((item) => item.key)).toEqual(['list/p/c/d', 'list/p/c/e']);
        expect(await collect(store.list('list/nothing/'))).toEqual([]);
      });

      it('pages with limit and startAfter', async () => {
        const pages: string[][] = [];
        let startAfter: string | undefined;
        for (;;) {
          const page = await collect(store.list('list/p/', { limit: 3, startAfter }));
          if (page.length === 0) break;
          pages.push(page.map((item) => item.key));
          startAfter = page.at(-1)!.key;
        }
        expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
        expect(pages.flat()).toEqual(listed);
        // startAfter need not be an existing key.
        const after = await collect(store.list('list/p/', { startAfter: 'list/p/a.' }));
        expect(after.map((item) => item.key)).toEqual(listed.slice(2));
      });

      it('lists a key that is also a "folder" of other keys', async () => {
        const tricky = ['t/a', 't/a/b', 't/a-b', 't/a0'];
        for (const key of tricky) await store.put(`list/${key}`, Buffer.from(key), { contentType: 'text/plain' });
        const keysListed = (await collect(store.list('list/t/'))).map((item) => item.key);
        const inByteOrder = ['list/t/a', 'list/t/a-b', 'list/t/a/b', 'list/t/a0'];
        if (harness.deviations.listsInFileNameOrder) {
          expect([...keysListed].sort()).toEqual(inByteOrder); // all there, in the server's own order
          expect(keysListed).not.toEqual(inByteOrder);
        } else {
          expect(keysListed).toEqual(inByteOrder);
        }
      });
    });

    describe('presigned URLs', () => {
      const image = randomBytes(4096);

      it('lets a client upload with the declared type and size, then download', async () => {
        const upload = await store.presignPut('presigned/photo.jpg', {
          contentType: 'image/jpeg',
          contentLength: image.length,
          expiresInSeconds: 300,
        });
        expect(upload.method).toBe('PUT');
        expect(upload.headers).toEqual({
          'content-type': 'image/jpeg',
          'content-length': String(image.length),
          'if-none-match': '*',
        });
        expect(upload.expiresAt.getTime()).toBeGreaterThan(Date.now() + 290_000);
        expect(upload.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 300_000);

        const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: image });
        expect(put.status).toBe(200);
        await put.arrayBuffer();
        expect(await store.head('presigned/photo.jpg')).toMatchObject({
          contentType: 'image/jpeg',
          contentLength: image.length,
          etag: md5(image),
        });

        const download = await store.presignGet('presigned/photo.jpg', { expiresInSeconds: 300 });
        const get = await fetch(download.url);
        expect(get.status).toBe(200);
        expect(get.headers.get('content-type')).toBe('image/jpeg');
        // Cached privately, and no longer than the URL is valid.
        const [, maxAge] = /^private, max-age=(\d+)$/.exec(get.headers.get('cache-control') ?? '') ?? [];
        expect(Number(maxAge)).toBeGreaterThan(0);
        expect(Number(maxAge)).toBeLessThanOrEqual(300);
        expect(Buffer.from(await get.arrayBuffer()).equals(image)).toBe(true);
      });

      it('creates the object once: a second upload with the same URL is refused while the object exists', async () => {
        const key = 'presigned/once.png';
        const upload = await store.presignPut(key, {
          contentType: 'image/png',
          contentLength: 8,
          expiresInSeconds: 60,
        });
        const put = (byte: number) =>
          fetch(upload.url, { method: 'PUT', headers: upload.headers, body: Buffer.alloc(8, byte) }).then(
            async (response) => {
              await response.arrayBuffer();
              return response.status;
            },
          );
        expect(await put(1)).toBe(200);
        const second = await put(2);
        if (harness.deviations.ignoresConditionalPut) {
          expect(second).toBe(200); // the documented s3rver gap: real S3/MinIO answer 412
        } else {
          expect(second).toBe(412);
          expect(await readAll((await store.get(key)).body)).toEqual(Buffer.alloc(8, 1));
        }
      });

      it('overrides the response content type of a download when asked', async () => {
        await store.put('presigned/report.bin', Buffer.from('%PDF-1.7'), { contentType: 'application/octet-stream' });
        const download = await store.presignGet('presigned/report.bin', {
          expiresInSeconds: 60,
          responseContentType: 'application/pdf',
        });
        const get = await fetch(download.url);
        expect(get.status).toBe(200);
        expect(get.headers.get('content-type')).toBe('application/pdf');
        expect(await get.text()).toBe('%PDF-1.7');
      });

      it('serves a byte range of a download', async () => {
        const bytes = randomBytes(5000);
        await store.put('presigned/range.bin', bytes, { contentType: 'video/mp4' });
        const download = await store.presignGet('presigned/range.bin', { expiresInSeconds: 60 });
        const middle = await fetch(download.url, { headers: { range: 'bytes=100-199' } });
        expect(middle.status).toBe(206);
        expect(middle.headers.get('content-range')).toBe('bytes 100-199/5000');
        expect(Buffer.from(await middle.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);
        const tail = await fetch(download.url, { headers: { range: 'bytes=4990-' } });
        expect(tail.status).toBe(206);
        expect(tail.headers.get('content-range')).toBe('bytes 4990-4999/5000');
        expect(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(4990))).toBe(true);
      });

      it('answers a download of a missing object with 404', async () => {
        const download = await store.presignGet('presigned/missing', { expiresInSeconds: 60 });
        const get = await fetch(download.url);
        await get.arrayBuffer();
        expect(get.status).toBe(404);
      });

      async function attempt(url: string, contentType: string, body: Buffer): Promise<number> {
        const response = await fetch(url, { method: 'PUT', headers: { 'content-type': contentType }, body });
        await response.arrayBuffer();
        return response.status;
      }

      it('binds the content type: another type is refused where signatures are verified', async () => {
        const key = 'presigned/type-bound.png';
        const upload = await store.presignPut(key, {
          contentType: 'image/png',
          contentLength: 8,
          expiresInSeconds: 60,
        });
        const status = await attempt(upload.url, 'text/html', Buffer.alloc(8));
        if (!harness.deviations.ignoresSignatures) {
          expect(status).toBe(403);
          await expect(store.head(key)).rejects.toBeInstanceOf(NotFoundError);
        } else {
          expect(status).toBe(200); // the documented s3rver gap: real S3/MinIO answer 403
        }
      });

      it('binds the size: a longer or shorter body is refused where signatures are verified', async () => {
        const key = 'presigned/size-bound.png';
        const upload = await store.presignPut(key, {
          contentType: 'image/png',
          contentLength: 8,
          expiresInSeconds: 60,
        });
        const longer = await attempt(upload.url, 'image/png', Buffer.alloc(9));
        const shorter = await attempt(upload.url, 'image/png', Buffer.alloc(7));
        if (!harness.deviations.ignoresSignatures) {
          expect([longer, shorter]).toEqual([403, 403]);
          await expect(store.head(key)).rejects.toBeInstanceOf(NotFoundError);
        } else {
          expect([longer, shorter]).toEqual([200, 200]);
        }
      });

      it('refuses a tampered signature or a URL moved to another key where signatures are verified', async () => {
        const upload = await store.presignPut('presigned/sig.png', {
          contentType: 'image/png',
          contentLength: 4,
          expiresInSeconds: 60,
        });
        const url = new URL(upload.url);
        const sigParam = url.searchParams.has('sig') ? 'sig' : 'X-Amz-Signature';
        const original = url.searchParams.get(sigParam)!;
        url.searchParams.set(sigParam, `${original.slice(0, -1)}${original.endsWith('0') ? '1' : '0'}`);
        const tampered = await attempt(url.toString(), 'image/png', Buffer.alloc(4));
        const moved = await attempt(
          upload.url.replace('presigned/sig.png', 'presigned/other.png'),
          'image/png',
          Buffer.alloc(4),
        );
        if (!harness.deviations.ignoresSignatures) {
          expect([tampered, moved]).toEqual([403, 403]);
          await expect(store.head('presigned/other.png')).rejects.toBeInstanceOf(NotFoundError);
        } else {
          expect([tampered, moved]).toEqual([200, 200]);
        }
      });

      it('refuses expired upload and download URLs', async () => {
        await store.put('presigned/expiring.txt', Buffer.from('soon gone'), { contentType: 'text/plain' });
        const upload = await store.presignPut('presigned/expired-upload.txt', {
          contentType: 'text/plain',
          contentLength: 2,
          expiresInSeconds: 1,
        });
        const download = await store.presignGet('presigned/expiring.txt', { expiresInSeconds: 1 });
        // Expiry has one-second resolution in both SigV4 and the local store: wait past the next second.
        await sleep(Math.max(0, download.expiresAt.getTime() - Date.now()) + 1100);
        expect(await attempt(upload.url, 'text/plain', Buffer.from('hi'))).toBe(403);
        const get = await fetch(download.url);
        await get.arrayBuffer();
        expect(get.status).toBe(403);
        await expect(store.head('presigned/expired-upload.txt')).rejects.toBeInstanceOf(NotFoundError);
      });
    });

    describe('input validation', () => {
      const invalidKeys = [
        '',
        '/leading-slash',
        'trailing-slash/',
        'double//slash',
        '../escape',
        'a/../../etc/passwd',
        'a/./b',
        '..',
        'space in key',
        'tilde~1',
        'back\\slash',
        'nul\u0000byte',
        'unicode-é',
        'x'.repeat(MAX_KEY_LENGTH + 1),
        `a/${'x'.repeat(MAX_SEGMENT_LENGTH + 1)}`,
      ];

      it('refuses unsafe keys in every operation before any I/O', async () => {
        for (const key of invalidKeys) {
          await expect(store.put(key, Buffer.from('x'), { contentType: 'text/plain' })).rejects.toBeInstanceOf(
            InvalidInputError,
          );
          await expect(store.get(key)).rejects.toBeInstanceOf(InvalidInputError);
          await expect(store.head(key)).rejects.toBeInstanceOf(InvalidInputError);
          await expect(store.delete(key)).rejects.toBeInstanceOf(InvalidInputError);
          await expect(
            store.presignPut(key, { contentType: 'image/png', contentLength: 1, expiresInSeconds: 60 }),
          ).rejects.toBeInstanceOf(InvalidInputError);
          await expect(store.presignGet(key, { expiresInSeconds: 60 })).rejects.toBeInstanceOf(InvalidInputError);
        }
        expect(() => store.list('../')).toThrow(InvalidInputError);
        expect(() => store.list('/abs')).toThrow(InvalidInputError);
      });

      it('accepts a key of the maximum length', async () => {
        const segment = 'k'.repeat(MAX_SEGMENT_LENGTH);
        const key = `${segment}/${segment}/${'k'.repeat(MAX_KEY_LENGTH - 2 * MAX_SEGMENT_LENGTH - 2)}`;
        expect(key.length).toBe(MAX_KEY_LENGTH);
        await store.put(key, Buffer.from('long'), { contentType: 'text/plain' });
        expect((await store.head(key)).contentLength).toBe(4);
      });

      it('refuses bad metadata, content types, lengths and expiries', async () => {
        const put = (options: object) =>
          store.put('validation/x', Buffer.from('x'), { contentType: 'text/plain', ...options });
        await expect(put({ metadata: { 'Upper-Case': 'x' } })).rejects.toBeInstanceOf(InvalidInputError);
        await expect(put({ metadata: { ok: 'line\nbreak' } })).rejects.toBeInstanceOf(InvalidInputError);
        await expect(put({ metadata: { big: 'x'.repeat(3000) } })).rejects.toBeInstanceOf(InvalidInputError);
        await expect(put({ contentType: 'not a type' })).rejects.toBeInstanceOf(InvalidInputError);
        const presign = (options: object) =>
          store.presignPut('validation/x', {
            contentType: 'image/png',
            contentLength: 1,
            expiresInSeconds: 60,
            ...options,
          });
        await expect(presign({ contentLength: -1 })).rejects.toBeInstanceOf(InvalidInputError);
        await expect(presign({ contentLength: 1.5 })).rejects.toBeInstanceOf(InvalidInputError);
        await expect(presign({ expiresInSeconds: 0 })).rejects.toBeInstanceOf(InvalidInputError);
        await expect(presign({ expiresInSeconds: 8 * 24 * 3600 })).rejects.toBeInstanceOf(InvalidInputError);
        await expect(presign({ contentType: 'image/png\r\nx-evil: 1' })).rejects.toBeInstanceOf(InvalidInputError);
        expect(() => store.list('validation/', { limit: 0 })).toThrow(InvalidInputError);
        await expect(store.head('validation/x')).rejects.toBeInstanceOf(NotFoundError);
      });
    });
  });
}
