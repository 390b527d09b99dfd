import { describe, expect, it } from '@jest/globals';
import { type SignedRequest, signRequest, verifySignature } from '../src/local/url-signature.ts';

const SECRET = 'a-secret-of-at-least-thirty-two-chars!';
const upload: SignedRequest = {
  method: 'PUT',
  key: 'media/1.jpg',
  expires: 1_900_000_000,
  contentType: 'image/jpeg',
  contentLength: '1000',
};

describe('local URL signatures', () => {
  it('verify only the exact request they were made for', () => {
    const signature = signRequest(SECRET, upload);
    expect(signature).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(verifySignature(SECRET, upload, signature)).toBe(true);
    const variants: SignedRequest[] = [
      { ...upload, method: 'GET' },
      { ...upload, key: 'media/2.jpg' },
      { ...upload, expires: upload.expires + 1 },
      { ...upload, contentType: 'image/png' },
      { ...upload, contentLength: '1001' },
    ];
    for (const variant of variants) expect(verifySignature(SECRET, variant, signature)).toBe(false);
    expect(verifySignature('another-secret-of-at-least-32-chars', upload, signature)).toBe(false);
  });

  it('refuse truncated, padded or empty signatures without throwing', () => {
    const signature = signRequest(SECRET, upload);
    for (const bad of ['', signature.slice(0, -1), `${signature}A`, 'é'.repeat(43)]) {
      expect(verifySignature(SECRET, upload, bad)).toBe(false);
    }
  });

  it('cannot be confused by moving text between fields', () => {
    // Without separators, key "a" + type "bc" and key "ab" + type "c" would sign the same string.
    const one = signRequest(SECRET, { ...upload, key: 'a', contentType: 'b/c' });
    const two = signRequest(SECRET, { ...upload, key: 'ab', contentType: '/c' });
    expect(one).not.toBe(two);
  });
});
