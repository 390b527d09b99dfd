// Request ids: one id per request, the same in every log line, response header and outgoing call.
// A caller (the gateway, a load balancer) may supply one; we accept it only if it is short and made of
// safe characters, because it ends up in logs and headers and must not become an injection vector.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';

const MAX_REQUEST_ID_LENGTH = 128;
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]+$/;

export function isValidRequestId(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= MAX_REQUEST_ID_LENGTH &&
    SAFE_REQUEST_ID.test(value)
  );
}

/** Fastify `genReqId`: honour a valid incoming `x-request-id`, otherwise mint a UUID. */
export function requestIdFor(req: IncomingMessage): string {
  const incoming = req.headers[REQUEST_ID_HEADER];
  return isValidRequestId(incoming) ? incoming : randomUUID();
}
