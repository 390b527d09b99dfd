// One kit service client per upstream: its own keep-alive pool, per-attempt timeout, idempotent-only
// retries and circuit breaker, so a failing user service cannot slow down or trip calls to auth.

import { createServiceClient, type ServiceClient } from '@scalegram/kit/service-client';
import type { FastifyBaseLogger } from 'fastify';
import type { Registry } from 'prom-client';

export interface UpstreamSettings {
  name: string;
  baseUrl: string;
  timeoutMs: number;
}

export interface UpstreamPolicy {
  breakerFailures: number;
  breakerHalfOpenAfterMs: number;
}

export function createUpstreamClients(
  upstreams: readonly UpstreamSettings[],
  policy: UpstreamPolicy,
  observability: { logger: FastifyBaseLogger; metrics: Registry },
): Map<string, ServiceClient> {
  const clients = new Map<string, ServiceClient>();
  for (const upstream of upstreams) {
    clients.set(
      upstream.name,
      createServiceClient({
        name: upstream.name,
        baseUrl: upstream.baseUrl,
        timeoutMs: upstream.timeoutMs,
        retry: { maxAttempts: 3, baseDelayMs: 50 },
        breaker: { consecutiveFailures: policy.breakerFailures, halfOpenAfterMs: policy.breakerHalfOpenAfterMs },
        connections: 64,
        logger: observability.logger,
        metrics: observability.metrics,
      }),
    );
  }
  return clients;
}
