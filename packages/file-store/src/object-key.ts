// Object keys are chosen by the media service, but they end up in URLs, in S3 requests and, for the
// local store, in file system paths. A deliberately small alphabet keeps all three trivially safe:
// no traversal (`..`), no absolute paths, nothing that needs escaping or differs between file systems.
import { InvalidInputError } from '@scalegram/contracts/errors';

export const MAX_KEY_LENGTH = 512;
/** File systems cap a name at 255 bytes; the stores append up to ~45 characters of their own. */
export const MAX_SEGMENT_LENGTH = 200;

const SAFE_CHARACTERS = /^[A-Za-z0-9._\-/]+$/;

/** Throws `InvalidInputError` unless `key` names an object: `segment(/segment)*` of safe characters. */
export function assertValidKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new InvalidInputError(`object key must be 1..${MAX_KEY_LENGTH} characters`, { code: 'invalid-object-key' });
  }
  if (!SAFE_CHARACTERS.test(key)) {
    throw new InvalidInputError('object key may contain only A-Z a-z 0-9 . _ - /', { code: 'invalid-object-key' });
  }
  for (const segment of key.split('/')) assertValidSegment(segment);
}

/** A listing prefix: empty, or a key, or a key followed by `/` (a "folder"). */
export function assertValidPrefix(prefix: string): void {
  if (prefix === '') return;
  assertValidKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
}

function assertValidSegment(segment: string): void {
  if (segment === '') {
    throw new InvalidInputError('object key must not start or end with "/" or contain "//"', {
      code: 'invalid-object-key',
    });
  }
  if (segment.length > MAX_SEGMENT_LENGTH) {
    throw new InvalidInputError(`object key segments are limited to ${MAX_SEGMENT_LENGTH} characters`, {
      code: 'invalid-object-key',
    });
  }
  if (segment === '.' || segment === '..') {
    throw new InvalidInputError('object key must not contain "." or ".." segments', { code: 'invalid-object-key' });
  }
}
