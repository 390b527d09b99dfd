import type { FastifyRequest } from 'fastify';

/** The address throttles count against: the client's when TRUST_PROXY names the gateway, else the peer's. */
export function clientAddress(request: FastifyRequest): string {
  return request.ip || 'unknown';
}
