// The upload policy, without I/O.
import { describe, expect, it } from '@jest/globals';
import { decideUpload, kindOf, uploadMismatch } from '../src/domain/media-policy.ts';

const limits = { maxImageBytes: 100, maxVideoBytes: 1000 };

describe('upload policy', () => {
  it('accepts the allowed image and video types, case-insensitively, and tells their kind', () => {
    expect(decideUpload({ contentType: 'Image/JPEG', size: 100 }, limits)).toEqual({
      ok: true,
      kind: 'image',
      contentType: 'image/jpeg',
    });
    expect(decideUpload({ contentType: 'video/quicktime', size: 1000 }, limits)).toMatchObject({
      ok: true,
      kind: 'video',
    });
    for (const type of ['image/png', 'image/webp', 'image/gif']) expect(kindOf(type)).toBe('image');
  });

  it('refuses other types (HEIC, text, parameters) and sizes over the limit of the kind', () => {
    for (const contentType of ['image/heic', 'text/plain', 'image/jpeg; charset=x', 'image/svg+xml']) {
      expect(decideUpload({ contentType, size: 1 }, limits)).toMatchObject({ ok: false, reason: 'unsupported-type' });
    }
    expect(decideUpload({ contentType: 'image/png', size: 101 }, limits)).toEqual({
      ok: false,
      reason: 'too-large',
      kind: 'image',
      maxBytes: 100,
    });
    expect(decideUpload({ contentType: 'video/mp4', size: 1001 }, limits)).toMatchObject({ reason: 'too-large' });
  });

  it('compares the stored object with the declaration', () => {
    const declared = { contentType: 'image/png', size: 10 };
    expect(uploadMismatch(declared, { contentType: 'image/png', contentLength: 10 })).toBeUndefined();
    expect(uploadMismatch(declared, { contentType: 'IMAGE/PNG', contentLength: 10 })).toBeUndefined();
    expect(uploadMismatch(declared, { contentType: 'image/png', contentLength: 11 })).toMatch(/11 bytes/);
    expect(uploadMismatch(declared, { contentType: 'image/gif', contentLength: 10 })).toMatch(/image\/gif/);
  });
});
