// AWS Signature Version 4, query-string form ("presigned URL"), for S3 and S3-compatible stores.
// Written out here because the presigners in minio-js (and most SDKs) deliberately leave
// `content-type` and `content-length` out of the signed headers, and binding exactly those two is
// the point of a presigned upload here: the server then refuses any other type or size.
// Algorithm: https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
import { createHash, createHmac } from 'node:crypto';

export interface PresignV4Request {
  method: 'GET' | 'PUT' | 'HEAD' | 'DELETE';
  /** Scheme, host and port the client will use, e.g. `https://s3.example.com` (no path). */
  origin: string;
  /** Unencoded path, e.g. `/bucket/media/1.jpg`; each segment is encoded here. */
  path: string;
  /** Extra query parameters to sign, e.g. `response-content-type`. */
  query?: Record<string, string>;
  /** Headers the client must send verbatim; signed together with `host`. */
  headers?: Record<string, string>;
  accessKey: string;
  secretKey: string;
  sessionToken?: string;
  region: string;
  service?: string;
  /** Signing time; the URL is valid from then for `expiresInSeconds`. */
  date: Date;
  expiresInSeconds: number;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';

/** Returns the full presigned URL. */
export function presignV4(request: PresignV4Request): string {
  const service = request.service ?? 's3';
  const amzDate = request.date.toISOString().replace(/[-:]|\.\d{3}/g, ''); // 20130524T000000Z
  const scope = `${amzDate.slice(0, 8)}/${request.region}/${service}/aws4_request`;
  const host = new URL(request.origin).host; // omits the default port, exactly as clients send Host

  const headers = new Map<string, string>([['host', host]]);
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    headers.set(name.toLowerCase(), value.trim().replace(/\s+/g, ' '));
  }
  const headerNames = [...headers.keys()].sort();
  const signedHeaders = headerNames.join(';');
  const canonicalHeaders = headerNames.map((name) => `${name}:${headers.get(name)}\n`).join('');

  const query: Record<string, string> = {
    ...request.query,
    'X-Amz-Algorithm': ALGORITHM,
    'X-Amz-Credential': `${request.accessKey}/${scope}`,
    'X-Amz-Date': amzDate,
    'X-Amz-Expires': String(request.expiresInSeconds),
    'X-Amz-SignedHeaders': signedHeaders,
  };
  if (request.sessionToken) query['X-Amz-Security-Token'] = request.sessionToken;
  const canonicalQuery = Object.entries(query)
    .map(([name, value]) => [encodeRfc3986(name), encodeRfc3986(value)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const canonicalUri = request.path.split('/').map(encodeRfc3986).join('/');

  // The body is not known when presigning, hence UNSIGNED-PAYLOAD; the signed content-length still
  // pins its size.
  const canonicalRequest = [
    request.method,
    canonicalUri,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders,
    'UNSIGNED-PAYLOAD',
  ].join('\n');
  const stringToSign = [ALGORITHM, amzDate, scope, sha256Hex(canonicalRequest)].join('\n');

  const signingKey = [amzDate.slice(0, 8), request.region, service, 'aws4_request'].reduce<Buffer>(
    (key, part) => hmac(key, part),
    Buffer.from(`AWS4${request.secretKey}`),
  );
  const signature = hmac(signingKey, stringToSign).toString('hex');
  return `${request.origin}${canonicalUri}?${canonicalQuery}&X-Amz-Signature=${signature}`;
}

/** Percent-encoding as SigV4 wants it: everything except `A-Za-z0-9-._~`. */
export function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function hmac(key: Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

function sha256Hex(data: string): string {
  return createHash('sha256').update(data, 'utf8').digest('hex');
}
