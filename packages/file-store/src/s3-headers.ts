// Turns the headers of an S3 GET/HEAD response into an ObjectInfo. Reading them from the response
// itself (rather than a separate HEAD before a GET) means body and metadata always describe the same
// version of the object, even while it is being overwritten.
import type { IncomingHttpHeaders } from 'node:http';
import type { ObjectInfo, ObjectMetadata } from './port.ts';

const META_PREFIX = 'x-amz-meta-';

export function objectInfoFromHeaders(key: string, headers: IncomingHttpHeaders): ObjectInfo {
  const metadata: ObjectMetadata = {};
  for (const [name, value] of Object.entries(headers)) {
    // Node lower-cases header names; a repeated header arrives as an array, which S3 never sends here.
    if (name.startsWith(META_PREFIX) && typeof value === 'string') metadata[name.slice(META_PREFIX.length)] = value;
  }
  return {
    key,
    contentType: headers['content-type'] ?? 'application/octet-stream',
    contentLength: Number(headers['content-length'] ?? 0),
    etag: unquoteEtag(headers.etag ?? ''),
    lastModified: new Date(headers['last-modified'] ?? 0),
    metadata,
  };
}

/** S3 quotes ETags (`"abc"`); the port exposes the bare value. */
export function unquoteEtag(etag: string): string {
  return etag.replace(/^"|"$/g, '');
}

/** User metadata as S3 request headers. Prefixing here also stops minio-js from treating a key like
 *  `cache-control` as a standard header instead of metadata. */
export function metadataHeaders(metadata: ObjectMetadata = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(metadata).map(([name, value]) => [`${META_PREFIX}${name}`, value]));
}
