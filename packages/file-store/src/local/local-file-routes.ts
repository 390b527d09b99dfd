// Serves the local store's presigned URLs: `PUT <prefix>/<key>` uploads and `GET <prefix>/<key>`
// downloads (with single `Range` support), each valid only with an unexpired signature from the
// store (./url-signature.ts). An upload URL creates its object once, like S3's `If-None-Match: *`: while
// an object exists at the key, a PUT is refused with 412. Every answer carries `nosniff`; a download
// may be cached privately until its URL expires, an error never.
//
//   await app.register(localFileRoutes, { store, prefix: '/files' });
//
// The plugin is wrapped with fastify-plugin (name and Fastify version checked at registration) and
// registers its routes in a child context of its own, under `prefix`: that keeps its catch-all
// content-type parser, which hands the raw request stream to the upload handler, away from the
// application's other routes (and fastify-plugin alone would ignore the `prefix` option).

import { InvalidInputError, NotFoundError } from '@scalegram/contracts/errors';
import { PROBLEM_CONTENT_TYPE, problemType } from '@scalegram/contracts/problem';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { assertValidKey } from '../object-key.ts';
import { parseByteRange } from './byte-range.ts';
import { ObjectExistsError } from './local-objects.ts';
import type { LocalFileStore } from './local-store.ts';

export interface LocalFileRoutesOptions {
  store: LocalFileStore;
  /** Path where the routes are mounted; `publicBaseUrl` of the store must point here. */
  prefix: string;
}

interface SignedQuery {
  expires?: string;
  sig?: string;
  'response-content-type'?: string;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  411: 'Length Required',
  412: 'Precondition Failed',
  416: 'Range Not Satisfiable',
  500: 'Internal Server Error',
};

function problem(reply: FastifyReply, request: FastifyRequest, status: number, code: string, detail: string) {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .type(PROBLEM_CONTENT_TYPE)
    .send({ type: problemType(code), title: TITLES[status] ?? 'Error', status, code, detail, instance: request.url });
}

function keyOf(request: FastifyRequest): string | undefined {
  const key = (request.params as { '*': string })['*'];
  try {
    assertValidKey(key);
    return key;
  } catch {
    return undefined;
  }
}

const UPLOAD_URL_USED = 'this upload URL has been used: an object exists at its key';

/** The client went away mid-upload: nobody reads an answer, and it is not the server's failure. */
function aborted(request: FastifyRequest): boolean {
  return request.raw.destroyed || request.raw.readableAborted;
}

async function routes(app: FastifyInstance, { store }: LocalFileRoutesOptions) {
  // Stored bytes are served as their declared type, never as whatever a browser would guess.
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
  });

  // Leave the body unread: the PUT handler streams it to disk itself, with a hard byte limit.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));

  const querySchema = {
    type: 'object',
    properties: {
      expires: { type: 'string', pattern: '^[0-9]{1,12}$' },
      sig: { type: 'string', maxLength: 128 },
      'response-content-type': { type: 'string', maxLength: 255 },
    },
  } as const;

  app.put('/*', { schema: { querystring: querySchema } }, async (request, reply) => {
    const key = keyOf(request);
    if (!key) return problem(reply, request, 400, 'invalid-object-key', 'invalid object key');
    const { expires, sig } = request.query as SignedQuery;
    const contentLength = request.headers['content-length'];
    if (contentLength === undefined) {
      return problem(reply, request, 411, 'length-required', 'uploads must declare their Content-Length');
    }
    const contentType = request.headers['content-type'] ?? '';
    const signed = { method: 'PUT' as const, key, expires: Number(expires), contentType, contentLength };
    if (!expires || !sig || !store.verify(signed, sig)) {
      return problem(reply, request, 403, 'signature-mismatch', 'missing, expired or invalid signature');
    }
    const length = Number(contentLength);
    if (length > store.maxUploadBytes) return problem(reply, request, 400, 'too-large', 'upload is too large');
    // Checked before reading the body, and again at the commit (ifAbsent) for two concurrent uploads.
    const exists = await store.objects.head(key).then(
      () => true,
      (error: unknown) => (error instanceof NotFoundError ? false : Promise.reject(error)),
    );
    if (exists) return problem(reply, request, 412, 'upload-url-used', UPLOAD_URL_USED);
    try {
      // The signed length is also the hard limit: the write aborts past it and keeps nothing.
      const info = await store.objects.write(key, request.raw, {
        contentType,
        expectedLength: length,
        maxBytes: store.maxUploadBytes,
        ifAbsent: true,
      });
      return reply.code(200).header('etag', `"${info.etag}"`).send();
    } catch (error) {
      if (error instanceof ObjectExistsError) return problem(reply, request, 412, 'upload-url-used', UPLOAD_URL_USED);
      if (aborted(request)) {
        request.log.info({ key }, 'upload aborted by the client');
        return problem(reply, request, 400, 'upload-aborted', 'the upload ended before its declared length');
      }
      if (error instanceof InvalidInputError) return problem(reply, request, 400, error.code, error.message);
      throw error;
    }
  });

  app.get('/*', { schema: { querystring: querySchema } }, async (request, reply) => {
    const key = keyOf(request);
    if (!key) return problem(reply, request, 400, 'invalid-object-key', 'invalid object key');
    const query = request.query as SignedQuery;
    const responseContentType = query['response-content-type'] ?? '';
    const signed = {
      method: 'GET' as const,
      key,
      expires: Number(query.expires),
      contentType: responseContentType,
      contentLength: '',
    };
    if (!query.expires || !query.sig || !store.verify(signed, query.sig)) {
      return problem(reply, request, 403, 'signature-mismatch', 'missing, expired or invalid signature');
    }
    try {
      const { info, file } = await store.objects.open(key);
      const range = parseByteRange(request.headers.range, info.contentLength);
      if (range === 'unsatisfiable') {
        await file.close();
        reply.header('content-range', `bytes */${info.contentLength}`);
        return problem(reply, request, 416, 'range-not-satisfiable', 'the range starts past the end of the object');
      }
      if (range) reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${info.contentLength}`);
      return (
        reply
          .header('content-type', responseContentType || info.contentType)
          .header('content-length', range ? range.end - range.start + 1 : info.contentLength)
          .header('accept-ranges', 'bytes')
          .header('etag', `"${info.etag}"`)
          .header('last-modified', info.lastModified.toUTCString())
          // Private (the URL is a credential), and no longer than the URL itself is valid.
          .header(
            'cache-control',
            `private, max-age=${Math.max(0, Math.floor(Number(query.expires) - Date.now() / 1000))}`,
          )
          // A stored file is never a page: nothing in it may run or load anything if opened directly.
          .header('content-security-policy', "default-src 'none'; sandbox")
          .send(file.createReadStream(range))
      );
    } catch (error) {
      if (error instanceof NotFoundError) return problem(reply, request, 404, 'object-not-found', 'no such object');
      throw error;
    }
  });
}

export const localFileRoutes = fp(
  async (app: FastifyInstance, options: LocalFileRoutesOptions) => {
    await app.register(routes, options);
  },
  { name: '@scalegram/file-store/local-file-routes', fastify: '5.x' },
);
