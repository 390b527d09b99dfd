// HMAC-SHA256 signatures for the local store's URLs: the embedded stand-in for SigV4 presigning.
// Like SigV4, the signature covers everything the holder of the URL may not change: the method, the
// key, the expiry, and for uploads the exact content type and length (for downloads, an optional
// response content type). The server recomputes it from the request and compares in constant time.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface SignedRequest {
  method: 'GET' | 'PUT';
  key: string;
  /** Unix time in seconds after which the URL is refused. */
  expires: number;
  /** PUT: the Content-Type the client must send; GET: the response-content-type override, or ''. */
  contentType: string;
  /** PUT: the exact Content-Length the client must send; GET: ''. */
  contentLength: string;
}

export function signRequest(secret: string, request: SignedRequest): string {
  // Newline-separated fields: none of them can contain a newline (keys and types are validated), so
  // two different requests can never produce the same string to sign.
  const stringToSign = [
    'scalegram-local-v1',
    request.method,
    request.key,
    String(request.expires),
    request.contentType,
    request.contentLength,
  ].join('\n');
  return createHmac('sha256', secret).update(stringToSign, 'utf8').digest('base64url');
}

/** True when `signature` is the signature of `request`; runs in time independent of where they differ. */
export function verifySignature(secret: string, request: SignedRequest, signature: string): boolean {
  const expected = Buffer.from(signRequest(secret, request), 'utf8');
  const provided = Buffer.from(signature, 'utf8');
  // timingSafeEqual needs equal lengths; the length of a valid signature is public anyway.
  return provided.length === expected.length && timingSafeEqual(provided, expected);
}
