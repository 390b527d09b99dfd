// The embedded FileStore: objects in a local directory, presigned URLs signed with HMAC-SHA256 and
// served by the Fastify plugin in ./local-file-routes.ts (register it where `publicBaseUrl` points).
import type { Readable } from 'node:stream';
import { InvalidInputError, NotFoundError, UnavailableError } from '@scalegram/contracts/errors';
import { checkListArguments } from '../list-options.ts';
import { assertValidKey } from '../object-key.ts';
import {
  assertValidContentType,
  assertValidExpiry,
  assertValidLength,
  assertValidMetadata,
} from '../object-options.ts';
import type {
  FileStore,
  ListedObject,
  ListOptions,
  PresignGetOptions,
  PresignPutOptions,
  PutOptions,
} from '../port.ts';
import { checkedBody } from '../put-body.ts';
import { localLayout } from './local-layout.ts';
import { listKeys } from './local-listing.ts';
import { LocalObjects } from './local-objects.ts';
import { type SignedRequest, signRequest, verifySignature } from './url-signature.ts';

export interface LocalStoreConfig {
  directory: string;
  /** Secret for URL signatures; at least 32 characters. Rotating it invalidates outstanding URLs. */
  signingSecret: string;
  /** Absolute URL where `localFileRoutes` is mounted, e.g. `http://localhost:3000/files`. */
  publicBaseUrl: string;
  /** Largest upload a presigned PUT may grant. */
  maxUploadBytes: number;
}

/** The local store plus what its HTTP routes need to check signatures and stream objects. */
export interface LocalFileStore extends FileStore {
  readonly objects: LocalObjects;
  readonly maxUploadBytes: number;
  /** True when `signature` is valid for `request` and the URL has not expired. */
  verify(request: SignedRequest, signature: string, now?: Date): boolean;
}

// Failures of the disk itself, as opposed to bugs: callers may retry or answer 503.
const UNAVAILABLE_CODES = new Set(['ENOSPC', 'EIO', 'EMFILE', 'ENFILE', 'EROFS', 'EDQUOT']);

export function createLocalStore(config: LocalStoreConfig): LocalFileStore {
  if (config.signingSecret.length < 32) throw new TypeError('signingSecret must have at least 32 characters');
  assertValidLength(config.maxUploadBytes);
  const baseUrl = config.publicBaseUrl.replace(/\/+$/, '');
  const layout = localLayout(config.directory);
  const objects = new LocalObjects(layout);

  const signedUrl = (request: SignedRequest, query: Record<string, string>) => {
    const search = new URLSearchParams({ ...query, expires: String(request.expires) });
    search.set('sig', signRequest(config.signingSecret, request));
    return { url: `${baseUrl}/${request.key}?${search}`, expiresAt: new Date(request.expires * 1000) };
  };

  async function* listObjects(prefix: string, limit: number, startAfter?: string): AsyncGenerator<ListedObject> {
    let count = 0;
    for await (const key of listKeys(layout.objectsDir, prefix, startAfter)) {
      const info = await objects.head(key).catch((error: unknown) => {
        if (error instanceof NotFoundError) return undefined; // deleted while listing
        throw error;
      });
      if (!info) continue;
      yield { key, contentLength: info.contentLength, etag: info.etag, lastModified: info.lastModified };
      if (++count >= limit) return;
    }
  }

  return {
    objects,
    maxUploadBytes: config.maxUploadBytes,

    verify(request, signature, now = new Date()) {
      return now.getTime() <= request.expires * 1000 && verifySignature(config.signingSecret, request, signature);
    },

    async ensureBucket() {
      await guard(() => objects.ensureDirectories());
    },

    async put(key: string, body: Buffer | Readable, options: PutOptions) {
      assertValidKey(key);
      assertValidContentType(options.contentType);
      assertValidMetadata(options.metadata);
      const { stream, length } = checkedBody(body, options.contentLength);
      const info = await guard(() =>
        objects.write(key, stream, {
          contentType: options.contentType,
          metadata: options.metadata,
          expectedLength: length,
        }),
      );
      return { key, etag: info.etag };
    },

    async get(key: string) {
      assertValidKey(key);
      return guard(() => objects.read(key));
    },

    async head(key: string) {
      assertValidKey(key);
      return guard(() => objects.head(key));
    },

    async delete(key: string) {
      assertValidKey(key);
      await guard(() => objects.delete(key));
    },

    list(prefix: string, options: ListOptions = {}) {
      const limit = checkListArguments(prefix, options);
      return listObjects(prefix, limit, options.startAfter);
    },

    async presignPut(key: string, options: PresignPutOptions) {
      assertValidKey(key);
      assertValidContentType(options.contentType);
      assertValidLength(options.contentLength);
      assertValidExpiry(options.expiresInSeconds);
      if (options.contentLength > config.maxUploadBytes) {
        throw new InvalidInputError(`uploads are limited to ${config.maxUploadBytes} bytes`, { code: 'too-large' });
      }
      const contentLength = String(options.contentLength);
      const request: SignedRequest = {
        method: 'PUT',
        key,
        expires: expiresAt(options.expiresInSeconds),
        contentType: options.contentType,
        contentLength,
      };
      // The routes refuse a PUT while the object exists whatever the client sends; the header says so.
      const headers = {
        'content-type': options.contentType,
        'content-length': contentLength,
        'if-none-match': '*' as const,
      };
      return { method: 'PUT' as const, headers, ...signedUrl(request, {}) };
    },

    async presignGet(key: string, options: PresignGetOptions) {
      assertValidKey(key);
      assertValidExpiry(options.expiresInSeconds);
      if (options.responseContentType !== undefined) assertValidContentType(options.responseContentType);
      const responseContentType = options.responseContentType ?? '';
      const request: SignedRequest = {
        method: 'GET',
        key,
        expires: expiresAt(options.expiresInSeconds),
        contentType: responseContentType,
        contentLength: '',
      };
      return signedUrl(request, responseContentType ? { 'response-content-type': responseContentType } : {});
    },

    async close() {
      // Nothing is held open between calls: every operation opens and closes its own files.
    },
  };
}

/** Whole seconds, like SigV4's X-Amz-Date + X-Amz-Expires. */
function expiresAt(expiresInSeconds: number): number {
  return Math.floor(Date.now() / 1000) + expiresInSeconds;
}

async function guard<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code && UNAVAILABLE_CODES.has(code)) {
      throw new UnavailableError(`local file store unavailable (${code})`, {
        code: 'file-store-unavailable',
        cause: error,
      });
    }
    throw error;
  }
}
