// Requests Node's HTTP parser rejects (bad framing, headers over the size limit, a request that took
// too long to arrive) never become Fastify requests: Node emits `clientError` on the server, and Fastify
// answers with plain JSON. This handler answers the same problem+json as every other error, then closes
// the connection, since after a framing error nothing more can be read from it reliably.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { PROBLEM_CONTENT_TYPE, type Problem, problemType } from '@scalegram/contracts/problem';
import type { FastifyInstance } from 'fastify';

const TOO_LARGE = new Set(['HPE_HEADER_OVERFLOW']);
const TIMED_OUT = new Set(['ERR_HTTP_REQUEST_TIMEOUT']);

function problemFor(code: string | undefined): Problem {
  if (code && TOO_LARGE.has(code)) {
    return {
      type: problemType('request-header-fields-too-large'),
      title: STATUS_CODES[431] as string,
      status: 431,
      detail: 'The request headers are larger than this server accepts.',
      code: 'request-header-fields-too-large',
    };
  }
  if (code && TIMED_OUT.has(code)) {
    return {
      type: problemType('request-timeout'),
      title: STATUS_CODES[408] as string,
      status: 408,
      detail: 'The request did not arrive in time.',
      code: 'request-timeout',
    };
  }
  return {
    type: problemType('bad-request'),
    title: STATUS_CODES[400] as string,
    status: 400,
    detail: 'The request is not valid HTTP/1.1.',
    code: 'bad-request',
  };
}

/** Fastify's `clientErrorHandler` option; `this` is the Fastify instance. */
export function clientErrorHandler(this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
  // A reset connection is gone: there is nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const problem = problemFor(error.code);
  this.log.debug({ err: error, status: problem.status }, 'client error');
  if (socket.writable) {
    const body = JSON.stringify(problem);
    socket.write(
      `HTTP/1.1 ${problem.status} ${problem.title}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy(error);
}
