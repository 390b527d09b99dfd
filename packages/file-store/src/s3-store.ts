// FileStore over MinIO or any S3-compatible service, through the minio client. Uploads and downloads
// stream; presigned URLs come from ./sigv4-presign.ts so that uploads can bind type and size.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Readable } from 'node:stream';
import { NotFoundError } from '@scalegram/contracts/errors';
import { Client } from 'minio';
import { checkListArguments } from './list-options.ts';
import { assertValidKey } from './object-key.ts';
import { assertValidContentType, assertValidExpiry, assertValidLength, assertValidMetadata } from './object-options.ts';
import type { FileStore, ListedObject, ListOptions, PresignGetOptions, PresignPutOptions, PutOptions } from './port.ts';
import { checkedBody } from './put-body.ts';
import { mapS3Error } from './s3-errors.ts';
import { metadataHeaders, objectInfoFromHeaders, unquoteEtag } from './s3-headers.ts';
import { type PresignV4Request, presignV4 } from './sigv4-presign.ts';

export interface S3StoreConfig {
  /** `host` or `host:port` of the S3 API, as this process reaches it (e.g. `minio:9000`). */
  endpoint: string;
  region: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
  useSSL: boolean;
  /**
   * Origin that clients use for presigned URLs when it differs from `endpoint` (e.g. the service
   * reaches `http://minio:9000` inside the cluster, browsers `https://media.example.com`). The host is
   * part of the signature, so it must be exactly what clients send. Path-style URLs are used.
   */
  publicBaseUrl?: string;
}

export function createS3Store(config: S3StoreConfig): FileStore {
  const endpoint = new URL(`${config.useSSL ? 'https' : 'http'}://${config.endpoint}`);
  const publicOrigin = config.publicBaseUrl ? originOf(config.publicBaseUrl) : endpoint.origin;
  // An agent of our own, so that close() can release its keep-alive sockets.
  const agent = config.useSSL ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  const client = new Client({
    endPoint: endpoint.hostname,
    port: endpoint.port ? Number(endpoint.port) : undefined,
    useSSL: config.useSSL,
    accessKey: config.accessKey,
    secretKey: config.secretKey,
    region: config.region,
    pathStyle: true,
    transportAgent: agent,
  });
  const { bucket } = config;

  const presign = (
    method: 'GET' | 'PUT',
    key: string,
    expiresInSeconds: number,
    extra: Pick<PresignV4Request, 'headers' | 'query'>,
  ) => {
    // SigV4 dates have whole seconds; truncating here makes `expiresAt` the instant S3 will use.
    const date = new Date(Math.floor(Date.now() / 1000) * 1000);
    const url = presignV4({
      method,
      origin: publicOrigin,
      path: `/${bucket}/${key}`,
      accessKey: config.accessKey,
      secretKey: config.secretKey,
      region: config.region,
      date,
      expiresInSeconds,
      ...extra,
    });
    return { url, expiresAt: new Date(date.getTime() + expiresInSeconds * 1000) };
  };

  async function* listPages(prefix: string, limit: number, startAfter: string): AsyncGenerator<ListedObject> {
    const stream = client.listObjectsV2(bucket, prefix, true, startAfter);
    let count = 0;
    try {
      for await (const item of stream) {
        if (!item.name) continue; // a common prefix; cannot occur in a recursive listing
        yield {
          key: item.name,
          contentLength: item.size,
          etag: unquoteEtag(item.etag ?? ''),
          lastModified: item.lastModified,
        };
        if (++count >= limit) return;
      }
    } catch (error) {
      throw mapS3Error(error);
    } finally {
      stream.destroy();
    }
  }

  return {
    async ensureBucket() {
      try {
        if (await client.bucketExists(bucket)) return;
        await client.makeBucket(bucket, config.region);
      } catch (error) {
        // Two replicas booting together both see "missing" and both create: the loser is fine.
        const code = (error as { code?: string }).code;
        if (code === 'BucketAlreadyOwnedByYou' || code === 'BucketAlreadyExists') return;
        throw mapS3Error(error);
      }
    },

    async put(key: string, body: Buffer | Readable, options: PutOptions) {
      assertValidKey(key);
      assertValidContentType(options.contentType);
      assertValidMetadata(options.metadata);
      const { stream, length } = checkedBody(body, options.contentLength);
      try {
        // Note: minio-js reads bodies up to its part size (64 MiB) into memory to compute Content-MD5,
        // and sends larger ones as a multipart upload.
        const result = await client.putObject(bucket, key, stream, length, {
          'Content-Type': options.contentType,
          ...metadataHeaders(options.metadata),
        });
        return { key, etag: unquoteEtag(result.etag) };
      } catch (error) {
        throw mapS3Error(error, key);
      }
    },

    async get(key: string) {
      assertValidKey(key);
      try {
        const response = await client.makeRequestAsync(
          { method: 'GET', bucketName: bucket, objectName: key },
          '',
          [200],
        );
        return { ...objectInfoFromHeaders(key, response.headers), body: response };
      } catch (error) {
        throw mapS3Error(error, key);
      }
    },

    async head(key: string) {
      assertValidKey(key);
      try {
        const response = await client.makeRequestAsync(
          { method: 'HEAD', bucketName: bucket, objectName: key },
          '',
          [200],
        );
        response.resume(); // a HEAD has no body, but the socket returns to the pool only once it "ends"
        return objectInfoFromHeaders(key, response.headers);
      } catch (error) {
        throw mapS3Error(error, key);
      }
    },

    async delete(key: string) {
      assertValidKey(key);
      try {
        await client.removeObject(bucket, key); // S3 answers 204 for a missing key as well
      } catch (error) {
        const mapped = mapS3Error(error, key);
        if (mapped instanceof NotFoundError) return; // some S3-compatible servers answer 404 instead
        throw mapped;
      }
    },

    list(prefix: string, options: ListOptions = {}) {
      const limit = checkListArguments(prefix, options);
      return listPages(prefix, limit, options.startAfter ?? '');
    },

    async presignPut(key: string, options: PresignPutOptions) {
      assertValidKey(key);
      assertValidContentType(options.contentType);
      assertValidLength(options.contentLength);
      assertValidExpiry(options.expiresInSeconds);
      const headers = {
        'content-type': options.contentType,
        'content-length': String(options.contentLength),
        // Signed, so the client cannot leave it out: S3 and MinIO then create the object once (412 after).
        'if-none-match': '*' as const,
      };
      return { method: 'PUT' as const, headers, ...presign('PUT', key, options.expiresInSeconds, { headers }) };
    },

    async presignGet(key: string, options: PresignGetOptions) {
      assertValidKey(key);
      assertValidExpiry(options.expiresInSeconds);
      // Signed response overrides: the download may be cached privately for as long as the URL is valid
      // (the URL is a credential; a shared cache must not keep it), like the local store's.
      const query: Record<string, string> = {
        'response-cache-control': `private, max-age=${options.expiresInSeconds}`,
      };
      if (options.responseContentType !== undefined) {
        assertValidContentType(options.responseContentType);
        query['response-content-type'] = options.responseContentType;
      }
      return presign('GET', key, options.expiresInSeconds, { query });
    },

    async close() {
      agent.destroy();
    },
  };
}

function originOf(baseUrl: string): string {
  const url = new URL(baseUrl);
  if (url.pathname !== '/' || url.search) {
    throw new TypeError('publicBaseUrl must be an origin (scheme://host[:port]) without a path');
  }
  return url.origin;
}
