// What the local store's signed URLs refuse, through the media app's /files routes over real HTTP:
// a body longer or shorter than declared, another content type, an expired URL. Nothing is stored,
// and "complete" then finds nothing (409).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NotFoundError } from '@scalegram/contracts/errors';
import { jpeg } from './support/images.ts';
import { createUpload, type MediaHarness, putBytes, startHarness } from './support/media-harness.ts';

let h: MediaHarness;

beforeAll(async () => {
  h = await startHarness({ store: 'local' });
}, 30_000);

afterAll(async () => {
  await h.close();
});

async function expectNothingStored(ownerId: string, id: string, headers: Record<string, string>) {
  await expect(h.store.head(`originals/${ownerId}/${id}`)).rejects.toBeInstanceOf(NotFoundError);
  const completed = await fetch(`${h.baseUrl}/api/v1/media/${id}/complete`, { method: 'POST', headers });
  expect(completed.status).toBe(409);
  expect(await completed.json()).toMatchObject({ code: 'upload-missing' });
}

describe('local store uploads', () => {
  it('refuses a body longer or shorter than declared (the length is signed) and stores nothing', async () => {
    const user = await h.user();
    const bytes = await jpeg();
    const created = await createUpload(h, user.headers, { contentType: 'image/jpeg', size: bytes.length });
    // fetch sends the real length of the body; the signature covers the declared one.
    const { 'content-length': _declared, ...headers } = created.body.uploadHeaders as Record<string, string>;
    for (const body of [Buffer.concat([bytes, Buffer.alloc(10)]), bytes.subarray(0, bytes.length - 10)]) {
      const response = await fetch(String(created.body.uploadUrl), {
        method: 'PUT',
        headers,
        body: new Uint8Array(body),
      });
      expect(response.status).toBe(403);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await response.json()).toMatchObject({ code: 'signature-mismatch' });
    }
    await expectNothingStored(user.id, created.body.id, user.headers);
  });

  it('refuses another content type than the one declared', async () => {
    const user = await h.user();
    const bytes = await jpeg();
    const created = await createUpload(h, user.headers, { contentType: 'image/jpeg', size: bytes.length });
    const response = await putBytes(created.body, bytes, { 'content-type': 'text/html' });
    expect(response.status).toBe(403);
    await expectNothingStored(user.id, created.body.id, user.headers);
  });

  it('refuses an expired upload URL (403) and stores nothing', async () => {
    // The same service with one-second upload URLs (SigV4 and the local store have 1 s resolution).
    const shortLived = h.buildApp({ uploadExpiresInSeconds: 1 });
    const user = await h.user();
    const bytes = await jpeg();
    const created = await shortLived.inject({
      method: 'POST',
      url: '/api/v1/media',
      headers: user.headers,
      payload: { contentType: 'image/jpeg', size: bytes.length },
    });
    expect(created.statusCode).toBe(201);
    const upload = created.json() as Record<string, unknown> & { id: string; expiresAt: string };
    await new Promise((resolve) => setTimeout(resolve, Date.parse(upload.expiresAt) - Date.now() + 1100));
    const response = await putBytes(upload, bytes);
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: 'signature-mismatch' });
    await expectNothingStored(user.id, upload.id, user.headers);
  });

  it('accepts the exact upload, larger than the API body limit, and downloads it back', async () => {
    const user = await h.user();
    const bytes = await jpeg(400, 300);
    expect(bytes.length).toBeGreaterThan(16 * 1024);
    const created = await createUpload(h, user.headers, { contentType: 'image/jpeg', size: bytes.length });
    expect((await putBytes(created.body, bytes)).status).toBe(200);
    const { url } = await h.store.presignGet(`originals/${user.id}/${created.body.id}`, { expiresInSeconds: 60 });
    const download = await fetch(url);
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('refuses a second PUT to the upload URL once the upload is complete (412), keeping the checked bytes', async () => {
    const user = await h.user();
    const bytes = await jpeg();
    const created = await createUpload(h, user.headers, { contentType: 'image/jpeg', size: bytes.length });
    expect((await putBytes(created.body, bytes)).status).toBe(200);
    const completed = await fetch(`${h.baseUrl}/api/v1/media/${created.body.id}/complete`, {
      method: 'POST',
      headers: user.headers,
    });
    expect(completed.status).toBe(202);
    const other = Buffer.concat([bytes.subarray(0, bytes.length - 4), Buffer.from('evil')]);
    const again = await putBytes(created.body, other);
    expect(again.status).toBe(412);
    expect(await again.json()).toMatchObject({ code: 'upload-url-used' });
    const stored = await h.store.get(`originals/${user.id}/${created.body.id}`);
    const chunks: Buffer[] = [];
    for await (const chunk of stored.body) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
  });
});
