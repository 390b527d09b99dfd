// The upstream services behind the gateway. Each upstream is one or more replicas (base URLs); each
// replica gets its own kit service client: its own keep-alive pool, per-attempt timeout, idempotent-only
// retries and circuit breaker, so a failing user service (or one failing replica of it) cannot slow
// down or trip calls to the others.
//
// Several replicas of one upstream (a comma-separated *_SERVICE_URL, e.g. local mode running two
// notification processes) are balanced round-robin. A replica whose circuit is open is tried last, so
// while one replica is down its calls go to the others without waiting for its timeout. An idempotent
// call that still finds its replica unavailable fails over to the next one; a call that is not
// idempotent is never sent twice. In Kubernetes each *_SERVICE_URL is one Service name and kube-proxy
// balances, so there is one replica per upstream and none of this applies.

import type { UnavailableError } from '@scalegram/contracts/errors';
import {
  createServiceClient,
  type ServiceClient,
  type ServiceRequest,
  type ServiceResponse,
} from '@scalegram/kit/service-client';
import type { FastifyBaseLogger } from 'fastify';
import type { Registry } from 'prom-client';

export interface UpstreamSettings {
  name: string;
  /** One base URL per replica, e.g. `['http://notification:3009']`. */
  baseUrls: readonly string[];
  timeoutMs: number;
}

export interface UpstreamPolicy {
  breakerFailures: number;
  breakerHalfOpenAfterMs: number;
}

export interface Replica {
  baseUrl: string;
  client: ServiceClient;
}

type RequestOptions = Omit<ServiceRequest, 'method' | 'path' | 'body'>;

const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

function isUnavailable(error: unknown): error is UnavailableError {
  return error instanceof Error && error.name === 'UnavailableError';
}

export class Upstream {
  readonly name: string;
  readonly replicas: readonly Replica[];
  #next = 0;

  constructor(name: string, replicas: readonly Replica[]) {
    if (replicas.length === 0) throw new RangeError(`upstream "${name}" has no base URL`);
    this.name = name;
    this.replicas = replicas;
  }

  /** Replicas in the order to try them: round-robin, replicas with an open circuit last. */
  candidates(): Replica[] {
    const start = this.#next;
    this.#next = (this.#next + 1) % this.replicas.length;
    const rotated = [...this.replicas.slice(start), ...this.replicas.slice(0, start)];
    const usable = rotated.filter((replica) => !['open', 'isolated'].includes(replica.client.breakerState));
    return [...usable, ...rotated.filter((replica) => !usable.includes(replica))];
  }

  async request<T>(request: ServiceRequest): Promise<ServiceResponse<T>> {
    const idempotent =
      IDEMPOTENT_METHODS.has(request.method) ||
      request.idempotencyKey !== undefined ||
      Object.keys(request.headers ?? {}).some((name) => name.toLowerCase() === 'idempotency-key');
    const candidates = this.candidates();
    for (let index = 0; ; index += 1) {
      const replica = candidates[index] as Replica;
      try {
        return await replica.client.request<T>(request);
      } catch (error) {
        // Down or circuit open: an idempotent call may go to the next replica; anything else, or the
        // last replica, reports the failure (503 at the edge).
        if (!isUnavailable(error) || !idempotent || index === candidates.length - 1) throw error;
      }
    }
  }

  async get<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return (await this.request<T>({ ...options, method: 'GET', path })).body;
  }

  async post<T>(path: string, body: unknown, options: RequestOptions = {}): Promise<T> {
    return (await this.request<T>({ ...options, method: 'POST', path, body })).body;
  }

  async close(): Promise<void> {
    await Promise.all(this.replicas.map((replica) => replica.client.close()));
  }
}

/** A comma-separated list of base URLs (a `*_SERVICE_URL` value) as a list. */
export function baseUrlList(value: string): string[] {
  return value
    .split(',')
    .map((url) => url.trim())
    .filter(Boolean);
}

export function createUpstreamClients(
  upstreams: readonly UpstreamSettings[],
  policy: UpstreamPolicy,
  observability: { logger: FastifyBaseLogger; metrics: Registry },
): Map<string, Upstream> {
  const clients = new Map<string, Upstream>();
  for (const upstream of upstreams) {
    const replicas = upstream.baseUrls.map((baseUrl) => ({
      baseUrl,
      client: createServiceClient({
        // One replica keeps the plain name in logs and metrics; several are told apart by host.
        name: upstream.baseUrls.length === 1 ? upstream.name : `${upstream.name}@${new URL(baseUrl).host}`,
        baseUrl,
        timeoutMs: upstream.timeoutMs,
        retry: { maxAttempts: 3, baseDelayMs: 50 },
        breaker: { consecutiveFailures: policy.breakerFailures, halfOpenAfterMs: policy.breakerHalfOpenAfterMs },
        connections: 64,
        logger: observability.logger,
        metrics: observability.metrics,
      }),
    }));
    clients.set(upstream.name, new Upstream(upstream.name, replicas));
  }
  return clients;
}
