// Maps minio-js failures onto the port's typed errors. Only two cases carry meaning for callers:
// "that object does not exist" and "the store cannot be reached right now" (worth a retry or a 503).
// Anything else (bad credentials, missing bucket) is a configuration bug and propagates unchanged.
import { NotFoundError, UnavailableError } from '@scalegram/contracts/errors';

const MISSING_OBJECT_CODES = new Set(['NoSuchKey', 'NotFound']);
const UNAVAILABLE_S3_CODES = new Set(['InternalError', 'ServiceUnavailable', 'SlowDown', 'RequestTimeout']);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

export function mapS3Error(error: unknown, key?: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return error;
  if (MISSING_OBJECT_CODES.has(code) && key !== undefined) {
    return new NotFoundError(`object not found: ${key}`, { code: 'object-not-found', cause: error });
  }
  if (NETWORK_CODES.has(code) || UNAVAILABLE_S3_CODES.has(code)) {
    return new UnavailableError(`object store unavailable (${code})`, { code: 'file-store-unavailable', cause: error });
  }
  return error;
}
