// Validation of everything besides the key that callers hand to a FileStore. Both adapters run the
// same checks so that the embedded store refuses exactly what the production one refuses.
import { InvalidInputError } from '@scalegram/contracts/errors';
import type { ObjectMetadata } from './port.ts';

/** SigV4 presigned URLs cannot live longer than seven days; the local store keeps the same bound. */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

/** S3 caps user metadata at 2 KiB (keys plus values). */
const MAX_METADATA_BYTES = 2048;
const METADATA_KEY = /^[a-z0-9][a-z0-9-]{0,63}$/;
// Printable ASCII without leading/trailing spaces: HTTP header values survive proxies unchanged.
const METADATA_VALUE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;
// `type/subtype` with optional parameters, printable ASCII only: it travels as a signed header.
const CONTENT_TYPE = /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+(?:\s*;\s*[\x21-\x7e]+(?:=[\x20-\x7e]+)?)*$/;

export function assertValidContentType(contentType: string): void {
  if (typeof contentType !== 'string' || contentType.length > 255 || !CONTENT_TYPE.test(contentType)) {
    throw new InvalidInputError(`invalid content type: ${JSON.stringify(contentType)}`, {
      code: 'invalid-content-type',
    });
  }
}

export function assertValidMetadata(metadata: ObjectMetadata = {}): void {
  let bytes = 0;
  for (const [key, value] of Object.entries(metadata)) {
    if (!METADATA_KEY.test(key)) {
      throw new InvalidInputError(`metadata key must match ${METADATA_KEY}: ${key}`, { code: 'invalid-metadata' });
    }
    if (typeof value !== 'string' || !METADATA_VALUE.test(value)) {
      throw new InvalidInputError(`metadata value for ${key} must be printable ASCII`, { code: 'invalid-metadata' });
    }
    bytes += key.length + value.length;
  }
  if (bytes > MAX_METADATA_BYTES) {
    throw new InvalidInputError(`metadata exceeds ${MAX_METADATA_BYTES} bytes`, { code: 'invalid-metadata' });
  }
}

export function assertValidLength(contentLength: number): void {
  if (!Number.isSafeInteger(contentLength) || contentLength < 0) {
    throw new InvalidInputError('content length must be a non-negative integer', { code: 'invalid-content-length' });
  }
}

export function assertValidExpiry(expiresInSeconds: number): void {
  if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > MAX_PRESIGN_SECONDS) {
    throw new InvalidInputError(`expiry must be 1..${MAX_PRESIGN_SECONDS} seconds`, { code: 'invalid-expiry' });
  }
}
