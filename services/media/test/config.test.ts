// Configuration: defaults, the S3 switch and its required credentials, fail-fast on bad values.
import { describe, expect, it } from '@jest/globals';
import { loadMediaConfig, mediaBucket } from '../src/config.ts';
import { localSigningSecret, openFileStore } from '../src/files/open-file-store.ts';

const JWKS_URL = 'http://auth:3000/.well-known/jwks.json';

describe('media configuration', () => {
  it('needs only JWKS_URL; stores default to the embedded adapters; limits default to 20 MB / 200 MB', () => {
    const config = loadMediaConfig({ JWKS_URL });
    expect(config).toMatchObject({
      PORT: 3000,
      MEDIA_MAX_IMAGE_BYTES: 20 * 1024 * 1024,
      MEDIA_MAX_VIDEO_BYTES: 200 * 1024 * 1024,
      MEDIA_UPLOAD_URL_TTL_SECONDS: 900,
    });
    // The namespace's own bucket unless S3_BUCKET names one.
    expect(mediaBucket(config)).toBe('scalegram-media');
    expect(mediaBucket(loadMediaConfig({ JWKS_URL, NAMESPACE: 'team-b' }))).toBe('team-b-media');
    expect(mediaBucket(loadMediaConfig({ JWKS_URL, NAMESPACE: 'team-b', S3_BUCKET: 'photos' }))).toBe('photos');
    expect(config.S3_ENDPOINT).toBeUndefined();
    expect(config.FILES_SIGNING_SECRET).toBeUndefined();
  });

  it('fails fast on missing and invalid variables, never echoing values', () => {
    expect(() => loadMediaConfig({ MEDIA_MAX_IMAGE_BYTES: 'big', FILES_SIGNING_SECRET: 'short-secret' })).toThrow(
      /FILES_SIGNING_SECRET[\s\S]*JWKS_URL is required[\s\S]*MEDIA_MAX_IMAGE_BYTES/,
    );
    expect(() => loadMediaConfig({ JWKS_URL, FILES_SIGNING_SECRET: 'short-secret' })).not.toThrow(/short-secret/);
    expect(() => loadMediaConfig({ JWKS_URL, S3_ENDPOINT: 'http://minio:9000' })).toThrow(
      /S3_ACCESS_KEY is required when S3_ENDPOINT is set[\s\S]*S3_SECRET_KEY/,
    );
  });

  it('selects S3 when S3_ENDPOINT is set, the local store otherwise', async () => {
    const s3 = await openFileStore(
      loadMediaConfig({ JWKS_URL, S3_ENDPOINT: 'https://s3.example.com', S3_ACCESS_KEY: 'a', S3_SECRET_KEY: 'b' }),
    );
    expect(s3.kind).toBe('s3');
    const presigned = await s3.store.presignPut('originals/1/2', {
      contentType: 'image/png',
      contentLength: 10,
      expiresInSeconds: 60,
    });
    expect(presigned.url.startsWith('https://s3.example.com/scalegram-media/originals/1/2?')).toBe(true);
    await s3.close();

    const secret = 'x'.repeat(40);
    const local = await openFileStore(loadMediaConfig({ JWKS_URL, PORT: '4100', FILES_SIGNING_SECRET: secret }));
    expect(local.kind).toBe('local');
    const url = await local.store.presignGet('variants/1/thumb.webp', { expiresInSeconds: 60 });
    expect(url.url.startsWith('http://127.0.0.1:4100/files/variants/1/thumb.webp?')).toBe(true);
    await local.close();
  });

  it('without FILES_SIGNING_SECRET or DATA_DIR, each process gets its own random secret', async () => {
    const a = await localSigningSecret({});
    const b = await localSigningSecret({});
    expect(a.source).toBe('memory');
    expect(a.secret).not.toBe(b.secret);
    expect(a.secret.length).toBeGreaterThanOrEqual(32);
  });
});
