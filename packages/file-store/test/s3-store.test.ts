// Behaviour of the S3 adapter beyond the shared contract: error mapping, presigned URL shape, and
// exactly what s3rver verifies about SigV4 presigned requests.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { UnavailableError } from '@scalegram/contracts/errors';
import { createS3Store } from '../src/s3-store.ts';
import { S3RVER_CREDENTIALS, type S3rverStore, startS3rverStore } from './support/s3rver-server.ts';

/** A local port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('S3 adapter', () => {
  let s3: S3rverStore;

  beforeAll(async () => {
    s3 = await startS3rverStore();
    await s3.store.ensureBucket();
  });

  afterAll(async () => {
    await s3.close();
  });

  it('raises UnavailableError when the store cannot be reached', async () => {
    const store = createS3Store({
      endpoint: `127.0.0.1:${await closedPort()}`,
      region: 'us-east-1',
      ...S3RVER_CREDENTIALS,
      bucket: 'unreachable',
      useSSL: false,
    });
    await expect(store.head('x')).rejects.toBeInstanceOf(UnavailableError);
    await expect(store.put('x', Buffer.from('x'), { contentType: 'text/plain' })).rejects.toBeInstanceOf(
      UnavailableError,
    );
    await store.close();
  });

  it('signs content-type, content-length, if-none-match and host into presigned uploads, for the public origin', async () => {
    const store = createS3Store({
      endpoint: s3.endpoint,
      region: 'eu-west-1',
      ...S3RVER_CREDENTIALS,
      bucket: 'media',
      useSSL: false,
      publicBaseUrl: 'https://media.example.com',
    });
    const upload = await store.presignPut('originals/1.jpg', {
      contentType: 'image/jpeg',
      contentLength: 1234,
      expiresInSeconds: 900,
    });
    const url = new URL(upload.url);
    expect(url.origin).toBe('https://media.example.com');
    expect(url.pathname).toBe('/media/originals/1.jpg');
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host;if-none-match');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(/^S3RVER\/\d{8}\/eu-west-1\/s3\/aws4_request$/);
    const download = new URL((await store.presignGet('originals/1.jpg', { expiresInSeconds: 60 })).url);
    expect(download.searchParams.get('X-Amz-SignedHeaders')).toBe('host');
    expect(() =>
      createS3Store({
        ...S3RVER_CREDENTIALS,
        endpoint: s3.endpoint,
        region: 'x',
        bucket: 'media',
        useSSL: false,
        publicBaseUrl: 'https://cdn.example.com/media',
      }),
    ).toThrow(TypeError);
    await store.close();
  });

  it('is refused by s3rver for an unknown access key (what s3rver does check besides expiry)', async () => {
    const store = createS3Store({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      accessKey: 'NOT-AN-ACCOUNT',
      secretKey: 'whatever',
      bucket: 'media',
      useSSL: false,
    });
    const upload = await store.presignPut('x.txt', {
      contentType: 'text/plain',
      contentLength: 2,
      expiresInSeconds: 60,
    });
    const response = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: 'hi' });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('InvalidAccessKeyId');
    await store.close();
  });
});
