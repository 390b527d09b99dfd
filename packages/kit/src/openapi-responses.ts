// What every operation of a service's OpenAPI document has in common, added in one place instead of in
// every route file: the kit's runtime answers these on any route, so the document says so.
// - Every error answer is `application/problem+json` with the shared `Problem` schema (kit error handler),
//   never `application/json` as @fastify/swagger would label it.
// - 500 on every operation (an unexpected error), 400 where there is anything to validate, 413/415 where
//   there is a body, 401 (with `WWW-Authenticate`) where a token is required.
// - `X-Request-Id` on every answer (request-context.ts).
// - Reason phrases instead of @fastify/swagger's "Default Response".
// The gateway adds the edge's own answers (429 and the RateLimit fields, 502/503/504) when it merges the
// documents. Only the document changes here: validation and serialization still use the route schemas.
import { STATUS_CODES } from 'node:http';
import { PROBLEM_CONTENT_TYPE } from '@scalegram/contracts/problem';

/** An OpenAPI object, read loosely: this module only adds to what @fastify/swagger produced. */
export type OpenApiObject = Record<string, unknown>;

/** `security` of an operation that needs an access token (`Authorization: Bearer <accessToken>`). */
export const BEARER_AUTH: Record<string, string[]>[] = [{ bearer: [] }];
/**
 * `security` of a Server-Sent Events stream: EventSource cannot send headers, so the access token may
 * come as `?access_token=` instead.
 */
export const BEARER_OR_QUERY_TOKEN_AUTH: Record<string, string[]>[] = [{ bearer: [] }, { accessTokenQuery: [] }];
/** `security` of an operation anyone may call: stated, so that no global default can apply. */
export const NO_AUTH: Record<string, string[]>[] = [];

export const SECURITY_SCHEMES = {
  bearer: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'The `accessToken` from POST /api/v1/auth/login, /auth/register or /auth/refresh (valid for ' +
      '`expiresIn` seconds). Demo accounts: user_0 … user_961, password `scalegram-demo`.',
  },
  accessTokenQuery: {
    type: 'apiKey',
    in: 'query',
    name: 'access_token',
    description: 'The same access token as a query parameter, for EventSource, which cannot send headers.',
  },
} as const;

export const REQUEST_ID_HEADER_REF = { $ref: '#/components/headers/X-Request-Id' };

/** Response headers every service answers with, for `components.headers`. */
export const SERVICE_HEADERS = {
  'X-Request-Id': {
    description: 'The id of this request in every log line; echoes a valid incoming `X-Request-Id`.',
    schema: { type: 'string', maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$' },
  },
} as const;

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** Calls `visit` for each operation (an object under paths.<path>.<method>). */
export function forEachOperation(
  document: OpenApiObject,
  visit: (operation: OpenApiObject, path: string, method: string) => void,
): void {
  const paths = (document.paths ?? {}) as Record<string, Record<string, unknown>>;
  for (const [path, item] of Object.entries(paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (typeof operation === 'object' && operation !== null) visit(operation as OpenApiObject, path, method);
    }
  }
}

function reason(status: string): string {
  return STATUS_CODES[Number(status)] ?? 'Response';
}

/** A problem+json answer with the shared schema. */
export function problemResponse(status: number | string, description?: string): OpenApiObject {
  return {
    description: description ?? reason(String(status)),
    content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } },
  };
}

const WWW_AUTHENTICATE = {
  description: 'The authentication scheme to use (`Bearer`), with the error when a token was refused.',
  schema: { type: 'string' },
};

/**
 * Makes sure a protected operation declares 401 with the `WWW-Authenticate` challenge the kit and the
 * gateway send with it (a route's own 401 keeps its description and gains the header).
 */
export function ensureUnauthorized(operation: OpenApiObject): void {
  ensureResponse(operation, 401, problemResponse(401, 'No valid access token'));
  const responses = operation.responses as Record<string, OpenApiObject>;
  addResponseHeader(responses['401'] as OpenApiObject, 'WWW-Authenticate', WWW_AUTHENTICATE);
}

/** Whether the operation's `security` demands a credential (no `{}` alternative). */
export function requiresCredential(operation: OpenApiObject): boolean {
  const security = operation.security as Record<string, unknown>[] | undefined;
  return Array.isArray(security) && security.length > 0 && security.every((entry) => Object.keys(entry).length > 0);
}

/** Adds a response for `status` unless the operation declares one. */
export function ensureResponse(operation: OpenApiObject, status: number | string, response: OpenApiObject): void {
  operation.responses ??= {};
  const responses = operation.responses as Record<string, unknown>;
  responses[String(status)] ??= response;
}

/** Adds a header (a `$ref` or a header object) to a response that does not have it yet. */
export function addResponseHeader(response: OpenApiObject, name: string, header: OpenApiObject): void {
  response.headers ??= {};
  const headers = response.headers as Record<string, unknown>;
  if (!Object.keys(headers).some((existing) => existing.toLowerCase() === name.toLowerCase())) headers[name] = header;
}

/** Error answers as problem+json; @fastify/swagger labels every schema `application/json`. */
function relabelProblems(operation: OpenApiObject): void {
  for (const [status, response] of Object.entries((operation.responses ?? {}) as Record<string, OpenApiObject>)) {
    if (response.description === 'Default Response') response.description = reason(status);
    if (!(Number(status) >= 400 || status === 'default')) continue;
    const content = (response.content ?? {}) as Record<string, { schema?: unknown }>;
    const schema = content['application/json']?.schema ?? content[PROBLEM_CONTENT_TYPE]?.schema;
    response.content = { [PROBLEM_CONTENT_TYPE]: { schema: schema ?? { $ref: '#/components/schemas/Problem' } } };
  }
}

/** The answers the kit's runtime can give on this operation, whatever its handler does. */
export function completeServiceOperation(operation: OpenApiObject): void {
  relabelProblems(operation);
  const hasBody = operation.requestBody !== undefined;
  const hasInput = hasBody || ((operation.parameters as unknown[] | undefined)?.length ?? 0) > 0;
  if (hasInput) ensureResponse(operation, 400, problemResponse(400, 'The request is malformed or fails validation'));
  if (requiresCredential(operation)) ensureUnauthorized(operation);
  if (hasBody) {
    ensureResponse(operation, 413, problemResponse(413, 'The body is larger than the service accepts'));
    ensureResponse(operation, 415, problemResponse(415, 'The body is not `application/json`'));
  }
  ensureResponse(operation, 500, problemResponse(500, 'An unexpected error; the problem names the request id'));
  for (const response of Object.values(operation.responses as Record<string, OpenApiObject>)) {
    addResponseHeader(response, 'X-Request-Id', REQUEST_ID_HEADER_REF);
  }
}

/** @fastify/swagger `transformObject`: completes the document of one service. */
export function completeServiceDocument(document: OpenApiObject): OpenApiObject {
  forEachOperation(document, (operation) => completeServiceOperation(operation));
  const components = (document.components ?? {}) as Record<string, Record<string, unknown>>;
  components.securitySchemes = { ...SECURITY_SCHEMES, ...components.securitySchemes };
  components.headers = { ...SERVICE_HEADERS, ...components.headers };
  document.components = components;
  return document;
}
