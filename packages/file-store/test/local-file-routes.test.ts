// Behaviour of the local store's HTTP routes beyond the shared contract: what happens to broken
// uploads, the problem+json answers, and that the plugin's raw-body parser stays in its own context.
import { createHash, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InvalidInputError, NotFoundError } from '@scalegram/contracts/errors';
import { type LocalServerStore, startLocalServerStore } from './support/local-server.ts';

const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex');

/** Every file under `dir`, recursively, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1));
}

async function eventually(condition: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 100 && !(await condition()); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(await condition()).toBe(true);
}

/**
 * Sends an upload by hand: headers and part of the body; once `inProgress` holds, closes the socket
 * hard, as a crashing client would.
 */
function abortedUpload(
  url: string,
  headers: Record<string, string>,
  partialBody: Buffer,
  inProgress: () => Promise<void>,
): Promise<void> {
  const { hostname, port, pathname, search } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      const head = Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('');
      socket.write(`PUT ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n${head}\r\n`);
      socket.write(partialBody, () => inProgress().then(() => socket.destroy(), reject));
    });
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
}

describe('localFileRoutes', () => {
  let local: LocalServerStore;
  const logLines: string[] = [];

  beforeAll(async () => {
    local = await startLocalServerStore(1024 * 1024, { write: (line) => logLines.push(line) });
    await local.store.ensureBucket();
  });

  afterAll(async () => {
    await local.close();
  });

  it('keeps nothing of an upload whose client disconnects halfway', async () => {
    const upload = await local.store.presignPut('broken/half.bin', {
      contentType: 'image/png',
      contentLength: 100_000,
      expiresInSeconds: 60,
    });
    const tmpFiles = () => filesUnder(join(local.directory, 'tmp'));
    // Abort only once the upload is being written, so that this tests the cleanup, not a no-op.
    await abortedUpload(upload.url, upload.headers, randomBytes(50_000), () =>
      eventually(async () => (await tmpFiles()).length === 1),
    );
    // The server notices the disconnect asynchronously.
    await eventually(async () => (await tmpFiles()).length === 0);
    await expect(local.store.head('broken/half.bin')).rejects.toBeInstanceOf(NotFoundError);
    expect((await filesUnder(join(local.directory, 'objects'))).filter((f) => f.startsWith('broken'))).toEqual([]);
    // A client that goes away is not a server error: nothing is logged at error level.
    const entries = logLines.map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(entries.filter((entry) => entry.level >= 50)).toEqual([]);
    expect(entries.some((entry) => entry.msg === 'upload aborted by the client')).toBe(true);
  });

  it('serves files with nosniff and a cache lifetime that ends with the URL', async () => {
    await local.store.put('served/x.png', Buffer.from('not really a png'), { contentType: 'image/png' });
    const { url } = await local.store.presignGet('served/x.png', { expiresInSeconds: 120 });
    const response = await fetch(url);
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    const [, maxAge] = /^private, max-age=(\d+)$/.exec(response.headers.get('cache-control') ?? '') ?? [];
    expect(Number(maxAge)).toBeGreaterThan(100);
    expect(Number(maxAge)).toBeLessThanOrEqual(120);
    const refused = await fetch(`${local.baseUrl}/served/x.png`);
    expect(refused.headers.get('x-content-type-options')).toBe('nosniff');
    expect(refused.headers.get('cache-control')).toBe('no-store');
    await refused.arrayBuffer();
  });

  it('lets a presigned upload URL create its object once: a second PUT is refused while the object exists', async () => {
    const upload = await local.store.presignPut('once/x.png', {
      contentType: 'image/png',
      contentLength: 3,
      expiresInSeconds: 60,
    });
    expect(upload.headers['if-none-match']).toBe('*');
    const first = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: 'abc' });
    expect(first.status).toBe(200);
    const second = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: 'xyz' });
    expect(second.status).toBe(412);
    expect(await second.json()).toMatchObject({ code: 'upload-url-used' });
    const stored = await local.store.get('once/x.png');
    const chunks: Buffer[] = [];
    for await (const chunk of stored.body) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('abc');
    // Deleted (say, because its bytes did not match the declaration), the key may be uploaded again.
    await local.store.delete('once/x.png');
    const retry = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: 'xyz' });
    expect(retry.status).toBe(200);
  });

  it('requires a Content-Length (411) instead of accepting an unbounded chunked body', async () => {
    const upload = await local.store.presignPut('chunked/x.bin', {
      contentType: 'image/png',
      contentLength: 4,
      expiresInSeconds: 60,
    });
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new Uint8Array([1, 2, 3, 4]));
        controller.close();
      },
    });
    const response = await fetch(upload.url, {
      method: 'PUT',
      headers: { 'content-type': 'image/png' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(411);
    await response.arrayBuffer();
    await expect(local.store.head('chunked/x.bin')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('answers refusals with problem+json', async () => {
    const upload = await local.store.presignPut('problem/x.png', {
      contentType: 'image/png',
      contentLength: 3,
      expiresInSeconds: 60,
    });
    const forbidden = await fetch(upload.url, { method: 'PUT', headers: { 'content-type': 'image/gif' }, body: 'abc' });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await forbidden.json()).toMatchObject({
      type: 'https://scalegram.dev/problems/signature-mismatch',
      status: 403,
      code: 'signature-mismatch',
    });

    const unsigned = await fetch(`${local.baseUrl}/problem/x.png`);
    expect(unsigned.status).toBe(403);
    await unsigned.arrayBuffer();

    const badKey = await fetch(`${local.baseUrl}/problem/x~y?expires=1&sig=x`);
    expect(badKey.status).toBe(400);
    expect(await badKey.json()).toMatchObject({ code: 'invalid-object-key' });

    const download = await local.store.presignGet('problem/missing.png', { expiresInSeconds: 60 });
    const missing = await fetch(download.url);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ status: 404, code: 'object-not-found' });
  });

  it('serves suffix ranges, answers 416 past the end, and ignores multi-range requests', async () => {
    const bytes = randomBytes(1000);
    await local.store.put('range/x.bin', bytes, { contentType: 'video/mp4' });
    const { url } = await local.store.presignGet('range/x.bin', { expiresInSeconds: 60 });
    const suffix = await fetch(url, { headers: { range: 'bytes=-10' } });
    expect(suffix.status).toBe(206);
    expect(suffix.headers.get('content-range')).toBe('bytes 990-999/1000');
    expect(Buffer.from(await suffix.arrayBuffer()).equals(bytes.subarray(990))).toBe(true);
    const past = await fetch(url, { headers: { range: 'bytes=1000-' } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe('bytes */1000');
    await past.arrayBuffer();
    const multi = await fetch(url, { headers: { range: 'bytes=0-1,5-6' } });
    expect(multi.status).toBe(200);
    expect((await multi.arrayBuffer()).byteLength).toBe(1000);
  });

  it('refuses to presign an upload above maxUploadBytes', async () => {
    await expect(
      local.store.presignPut('big/x.bin', {
        contentType: 'video/mp4',
        contentLength: 1024 * 1024 + 1,
        expiresInSeconds: 60,
      }),
    ).rejects.toMatchObject({ name: 'InvalidInputError', code: 'too-large' });
    await expect(
      local.store.presignPut('big/x.bin', {
        contentType: 'video/mp4',
        contentLength: 1024 * 1024,
        expiresInSeconds: 60,
      }),
    ).resolves.toMatchObject({ method: 'PUT' });
  });

  it('never lets a reader see a mixture of versions during concurrent overwrites, and leaks no blobs', async () => {
    const versions = Array.from({ length: 12 }, (_, i) => randomBytes(20_000 + i));
    const digests = new Set(versions.map(md5));
    await local.store.put('race/obj', versions[0]!, { contentType: 'application/octet-stream' });
    const reads = Array.from({ length: 24 }, async () => {
      const object = await local.store.get('race/obj');
      const chunks: Buffer[] = [];
      for await (const chunk of object.body) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      expect(md5(body)).toBe(object.etag);
      expect(body.length).toBe(object.contentLength);
      expect(digests.has(object.etag)).toBe(true);
    });
    const writes = versions.map((bytes) =>
      local.store.put('race/obj', bytes, { contentType: 'application/octet-stream' }),
    );
    await Promise.all([...reads, ...writes]);
    const files = (await filesUnder(join(local.directory, 'objects'))).filter((f) => f.startsWith('race/'));
    expect(files.filter((f) => f.endsWith('.blob'))).toHaveLength(1);
    expect(files.filter((f) => f.endsWith('~meta.json'))).toEqual(['race/obj~meta.json']);
  });

  it('keeps its raw-body parser to itself: the rest of the app still parses JSON', async () => {
    const { default: Fastify } = await import('fastify');
    const { localFileRoutes } = await import('../src/local/local-file-routes.ts');
    const app = Fastify();
    await app.register(localFileRoutes, { store: local.store, prefix: '/files' });
    app.post('/echo', async (request) => request.body);
    const response = await app.inject({ method: 'POST', url: '/echo', payload: { hello: 'world' } });
    expect(response.json()).toEqual({ hello: 'world' });
    await app.close();
  });

  it('rejects a stream put with InvalidInputError before touching the disk when the key is bad', async () => {
    await expect(local.store.put('../x', Buffer.from('x'), { contentType: 'text/plain' })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    expect(await filesUnder(join(local.directory, 'tmp'))).toEqual([]);
  });
});
