// The one error handler: every failure leaves the service as RFC 9457 problem+json with a stable
// `type` and `code`. Known errors keep their meaning; anything unknown becomes a bare 500 whose real
// cause goes to the log only, so a stack trace or SQL message never reaches a client.
import { STATUS_CODES } from 'node:http';
import { TypedError, UnavailableError } from '@scalegram/contracts/errors';
import { InvalidCursorError } from '@scalegram/contracts/pagination';
import { PROBLEM_CONTENT_TYPE, type Problem, problemType } from '@scalegram/contracts/problem';
import { TEXT_PATTERN_MESSAGES } from '@scalegram/contracts/text';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { HttpProblem } from './http-problem.ts';
import type { RouteMethods } from './route-methods.ts';
import { UpstreamResponseError, UpstreamTimeoutError } from './upstream-errors.ts';

type FieldError = NonNullable<Problem['errors']>[number];

interface ProblemDraft {
  status: number;
  code: string;
  title?: string;
  detail?: string;
  errors?: FieldError[];
  extra?: Record<string, unknown>;
  headers?: Record<string, string>;
}

// Fastify's own 4xx errors (content-type parser, body limit, validation) get codes of their own.
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_VALIDATION: 'validation-failed',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed-json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed-json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload-too-large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid-content-length',
  FST_ERR_BAD_URL: 'invalid-path',
  FST_ERR_MAX_PARAM_LENGTH: 'uri-too-long',
};

// The router's errors echo the offending path, which can be as long as the server accepts: say what is
// wrong instead.
const FASTIFY_DETAILS: Record<string, string> = {
  FST_ERR_BAD_URL: 'The path holds a malformed percent-encoding.',
  FST_ERR_MAX_PARAM_LENGTH: 'A path segment is longer than any identifier this service accepts.',
};

// For other 4xx errors raised by Fastify plugins (rate limiting, auth) with only a statusCode.
const STATUS_DEFAULT_CODES: Record<number, string> = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  406: 'not-acceptable',
  409: 'conflict',
  413: 'payload-too-large',
  414: 'uri-too-long',
  415: 'unsupported-media-type',
  422: 'unprocessable-content',
  429: 'too-many-requests',
};

function fieldErrors(error: FastifyError): FieldError[] {
  const context = error.validationContext ?? 'request';
  const errors: FieldError[] = [];
  for (const issue of error.validation ?? []) {
    const at = `/${context}${issue.instancePath ?? ''}`;
    const params = issue.params as {
      missingProperty?: string;
      additionalProperty?: string;
      requiredProperties?: string[];
      additionalProperties?: string[];
      pattern?: string;
    };
    // TypeBox (our validator) reports the missing and the extra properties of an object as one issue
    // each, listing their names; Ajv reports one issue per property. Either way: one entry per field.
    if (issue.keyword === 'required' && params.requiredProperties) {
      for (const name of params.requiredProperties) errors.push({ field: `${at}/${name}`, message: 'is required' });
    } else if (issue.keyword === 'additionalProperties' && params.additionalProperties) {
      for (const name of params.additionalProperties)
        errors.push({ field: `${at}/${name}`, message: 'is not allowed' });
    } else if (issue.schemaPath?.endsWith('/additionalProperties') && issue.keyword === 'boolean') {
      // The same extra property once more, as the `false` schema it failed; already reported above.
    } else {
      const leaf = params.missingProperty ?? params.additionalProperty;
      // The shared text rules are said in words, not as the regular expression that enforces them.
      const message = (params.pattern && TEXT_PATTERN_MESSAGES[params.pattern]) ?? issue.message ?? 'is invalid';
      errors.push({ field: leaf ? `${at}/${leaf}` : at, message });
    }
  }
  return errors;
}

/** Maps a thrown value to a problem; undefined means "unknown": answer 500 and log it. */
export function problemFor(error: unknown): ProblemDraft | undefined {
  if (error instanceof HttpProblem) {
    return {
      status: error.status,
      code: error.code,
      title: error.title,
      ...(error.detail === undefined ? {} : { detail: error.detail }),
      extra: error.extra,
      headers: error.headers,
    };
  }
  if (error instanceof UnavailableError) {
    // The message may name hosts or drivers; the client only needs to know to come back later.
    return { status: 503, code: error.code, detail: 'A dependency is temporarily unavailable; retry later.' };
  }
  // NotFound, Conflict, InvalidInput and any other 4xx typed error: its message is written for callers.
  if (error instanceof TypedError && error.status < 500) {
    return { status: error.status, code: error.code, detail: error.message };
  }
  if (error instanceof UpstreamTimeoutError) {
    return { status: 504, code: error.code, detail: 'An upstream service did not answer in time.' };
  }
  if (error instanceof UpstreamResponseError) {
    return { status: 502, code: error.code, detail: 'An upstream service answered with an error.' };
  }
  if (error instanceof InvalidCursorError) {
    return { status: 400, code: 'invalid-cursor', detail: error.message };
  }
  const fastifyError = error as Partial<FastifyError> & { headers?: Record<string, string> };
  if (fastifyError?.validation) {
    const errors = fieldErrors(fastifyError as FastifyError);
    return {
      status: 400,
      code: 'validation-failed',
      title: 'Request validation failed',
      // Written from the field errors: Fastify's own message repeats validator internals ("schema is false").
      detail:
        errors.length > 0
          ? errors.map((error) => `${error.field} ${error.message}`).join('; ')
          : (fastifyError.message ?? 'The request is invalid.'),
      errors,
    };
  }
  const status = fastifyError?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // A 4xx statusCode on an error is its author's statement that the message is meant for clients.
    const code =
      (fastifyError.code && FASTIFY_CODES[fastifyError.code]) ?? STATUS_DEFAULT_CODES[status] ?? `http-${status}`;
    const detail = (fastifyError.code && FASTIFY_DETAILS[fastifyError.code]) ?? fastifyError.message;
    return {
      status,
      code,
      ...(detail ? { detail } : {}),
      ...(fastifyError.headers ? { headers: fastifyError.headers } : {}),
    };
  }
  return undefined;
}

function pathOf(request: FastifyRequest): string {
  const url = request.url;
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, draft: ProblemDraft): FastifyReply {
  const problem: Problem = {
    ...draft.extra,
    type: problemType(draft.code),
    title: draft.title ?? STATUS_CODES[draft.status] ?? 'Error',
    status: draft.status,
    ...(draft.detail === undefined ? {} : { detail: draft.detail }),
    instance: pathOf(request),
    code: draft.code,
    requestId: request.id,
    ...(draft.errors ? { errors: draft.errors } : {}),
  };
  if (draft.headers) reply.headers(draft.headers);
  // Serialized here, not by the route's response schema: a route's 400 schema must not reshape or
  // strip the problem document.
  return reply.code(draft.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

/** Errors the router raises before any route or hook runs (Fastify's `frameworkErrors` option). */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const draft = problemFor(error);
  if (!draft) {
    request.log.error({ err: error }, 'unhandled framework error');
    sendProblem(request, reply, { status: 500, code: 'internal', detail: 'An unexpected error occurred.' });
    return;
  }
  request.log.info({ code: draft.code, status: draft.status }, 'request rejected');
  sendProblem(request, reply, draft);
}

export interface ErrorHandlerOptions {
  /** Every route's methods (recorded by createApp), to tell 405 from 404. */
  routeMethods?: RouteMethods;
}

export const errorHandlerPlugin = fp(
  async (app: FastifyInstance, options: ErrorHandlerOptions) => {
    app.setErrorHandler((error, request, reply) => {
      const draft = problemFor(error);
      if (!draft) {
        request.log.error({ err: error }, 'unhandled error');
        return sendProblem(request, reply, {
          status: 500,
          code: 'internal',
          detail: 'An unexpected error occurred. Quote the requestId when reporting it.',
        });
      }
      if (draft.status >= 500) request.log.warn({ err: error }, 'dependency failure');
      else request.log.info({ code: draft.code, status: draft.status }, 'request rejected');
      return sendProblem(request, reply, draft);
    });

    app.setNotFoundHandler((request, reply) => {
      const path = pathOf(request);
      const allowed = options.routeMethods?.allowed(path) ?? [];
      if (allowed.length > 0 && !allowed.includes(request.method)) {
        return sendProblem(request, reply, {
          status: 405,
          code: 'method-not-allowed',
          detail: `${request.method} is not allowed on ${path}; allowed: ${allowed.join(', ')}.`,
          // Also in the body, so that a proxy that keeps only the problem (the gateway) can rebuild Allow.
          extra: { allowedMethods: allowed },
          headers: { allow: allowed.join(', ') },
        });
      }
      return sendProblem(request, reply, {
        status: 404,
        code: 'route-not-found',
        detail: `No route for ${request.method} ${path}`,
      });
    });
  },
  { name: '@scalegram/kit/error-handler', fastify: '5.x' },
);
