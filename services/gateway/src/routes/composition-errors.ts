// How a composed route answers when the upstream that owns the page (feed, search) refuses the request:
// its 4xx problem (a bad cursor, an unknown post) is the caller's to read and passes through unchanged,
// as on the forwarding route. Anything else is rethrown for the error handler: 503 when the upstream is
// down or its circuit open, 504 when it is slow, 502 when it failed (ADR 0019).
import { UpstreamResponseError } from '@scalegram/kit/upstream-errors';
import type { FastifyReply } from 'fastify';
import Type from 'typebox';
import { upstreamProblemResponse } from '../domain/upstream-problem.ts';

export function sendUpstreamClientError(reply: FastifyReply, error: unknown): FastifyReply {
  if (!(error instanceof UpstreamResponseError) || error.status >= 500) throw error;
  const passThrough = upstreamProblemResponse(error.status, error.body);
  return reply.code(error.status).headers(passThrough.headers).type(passThrough.contentType).send(passThrough.payload);
}

/** Errors a composed route can answer, besides its upstreams' own 4xx problems. */
const ProblemRef = Type.Ref('Problem');
export const COMPOSED_ROUTE_ERRORS = {
  400: ProblemRef,
  401: ProblemRef,
  403: ProblemRef,
  404: ProblemRef,
  429: ProblemRef,
  502: ProblemRef,
  503: ProblemRef,
  504: ProblemRef,
} as const;
