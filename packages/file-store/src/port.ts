// The File store port: what the media service needs from object storage (originals and variants),
// and nothing more. Adapters: ./s3-store.ts (MinIO or any S3) and ./local/local-store.ts (a local
// directory with HMAC-signed URLs, served by ./local/local-file-routes.ts).
import type { Readable } from 'node:stream';

/** User metadata: lower-case keys (`[a-z0-9-]`), printable ASCII values. S3 sends them as `x-amz-meta-*`. */
export type ObjectMetadata = Record<string, string>;

export interface PutOptions {
  contentType: string;
  /** Exact size of the body; required for a stream (see `put`). A body of any other size is refused. */
  contentLength?: number;
  metadata?: ObjectMetadata;
}

/** S3 answers a PUT with the new ETag only (no Last-Modified); `head` gives the rest. */
export interface PutResult {
  key: string;
  etag: string;
}

export interface ObjectInfo {
  key: string;
  contentType: string;
  contentLength: number;
  /** Opaque version tag, without quotes; for a single-request upload it is the MD5 of the bytes (hex). */
  etag: string;
  lastModified: Date;
  metadata: ObjectMetadata;
}

export interface StoredObject extends ObjectInfo {
  /** The bytes, streamed: nothing is buffered in memory. Consume or destroy it. */
  body: Readable;
}

/** What a listing returns per key. S3 listings carry no content type or user metadata: use `head` for those. */
export interface ListedObject {
  key: string;
  contentLength: number;
  etag: string;
  lastModified: Date;
}

export interface ListOptions {
  /** Stop after this many keys (default: all). */
  limit?: number;
  /** Start strictly after this key; pass the last key of a page to get the next page. */
  startAfter?: string;
}

export interface PresignPutOptions {
  contentType: string;
  /** Exact size in bytes; the upload is rejected unless it sends exactly this `Content-Length`. */
  contentLength: number;
  expiresInSeconds: number;
}

export interface PresignedPut {
  url: string;
  method: 'PUT';
  /**
   * Headers the client MUST send unchanged: they are part of the signature. `If-None-Match: *` makes
   * the URL single-use: it creates the object, and while an object exists at the key every further PUT
   * is refused with 412 (S3 conditional writes; the local store enforces the same).
   */
  headers: { 'content-type': string; 'content-length': string; 'if-none-match': '*' };
  expiresAt: Date;
}

export interface PresignGetOptions {
  expiresInSeconds: number;
  /** Override the `Content-Type` of the response (e.g. to force a download type). */
  responseContentType?: string;
}

export interface PresignedGet {
  url: string;
  expiresAt: Date;
}

/**
 * Object storage for one bucket. Missing objects raise `NotFoundError`, an unreachable store
 * `UnavailableError` (both from `@scalegram/contracts/errors`), an invalid key `InvalidObjectKeyError`.
 */
export interface FileStore {
  /** Create the bucket (or directory) if it does not exist; safe to call on every boot. */
  ensureBucket(): Promise<void>;
  /**
   * Create or replace an object in one request. Readers never see a half-written object. A stream
   * must declare its length: S3 needs it for a single-request PUT (the alternative, a multipart
   * upload, has different ETags and failure modes), and a mismatch is refused with nothing stored.
   */
  put(key: string, body: Buffer, options: PutOptions): Promise<PutResult>;
  put(key: string, body: Readable, options: PutOptions & { contentLength: number }): Promise<PutResult>;
  get(key: string): Promise<StoredObject>;
  head(key: string): Promise<ObjectInfo>;
  /** Remove an object; removing a missing object succeeds (idempotent, like S3). */
  delete(key: string): Promise<void>;
  /** Keys starting with `prefix`, in ascending (byte) order. */
  list(prefix: string, options?: ListOptions): AsyncIterable<ListedObject>;
  /** A URL that lets a client upload exactly one object of the declared type and size, directly. */
  presignPut(key: string, options: PresignPutOptions): Promise<PresignedPut>;
  /** A URL that lets a client download an object directly until it expires. */
  presignGet(key: string, options: PresignGetOptions): Promise<PresignedGet>;
  /** Release connections and servers the adapter owns. */
  close(): Promise<void>;
}
