// Service-to-service HTTP over a pooled keep-alive undici connection pool, with a per-attempt timeout,
// retries for idempotent requests, a circuit breaker, typed errors, and propagation of the current
// request's `x-request-id` and W3C `traceparent`. Policy details: resilience-policy.ts, ADR 0003.
import { UnavailableError } from '@scalegram/contracts/errors';
import { isBrokenCircuitError } from 'cockatiel';
import type { FastifyBaseLogger } from 'fastify';
import type { Registry } from 'prom-client';
import { Pool } from 'undici';
import { currentRequestContext } from './request-context.ts';
import { REQUEST_ID_HEADER } from './request-id.ts';
import {
  type BreakerOptions,
  type BreakerState,
  breakerStateName,
  createBreaker,
  createRetry,
  policyFor,
  RETRYABLE_STATUSES,
  RetryableUpstreamError,
  type RetryOptions,
} from './resilience-policy.ts';
import { type CallOutcome, type ServiceClientMetrics, serviceClientMetrics } from './service-client-metrics.ts';
import { outgoingTraceparent, TRACEPARENT_HEADER } from './trace-context.ts';
import { UpstreamResponseError, UpstreamTimeoutError } from './upstream-errors.ts';

export type HttpMethod = 'GET' | 'HEAD' | 'PUT' | 'DELETE' | 'OPTIONS' | 'POST' | 'PATCH';

export interface ServiceClientOptions {
  /** The upstream's name, used in errors and logs, e.g. `user`. */
  name: string;
  /** e.g. `http://user:3000` or `http://user:3000/internal`. */
  baseUrl: string;
  /** Per attempt, covering connect, headers and body. Default 2000. */
  timeoutMs?: number;
  retry?: RetryOptions;
  breaker?: BreakerOptions;
  /** Maximum keep-alive connections to the upstream. Default 32. */
  connections?: number;
  /** Logs breaker transitions. */
  logger?: FastifyBaseLogger;
  /** Registry for call, retry and circuit metrics, usually `app.metrics.registry`. */
  metrics?: Registry;
}

export interface ServiceRequest {
  method: HttpMethod;
  /** Path relative to baseUrl, e.g. `/users/42`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Serialized as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Makes a POST retryable: the upstream promises to apply it at most once. */
  idempotencyKey?: string;
}

export interface ServiceResponse<T> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

function outcomeOf(error: unknown): CallOutcome {
  if (isBrokenCircuitError(error)) return 'circuit-open';
  if (error instanceof UpstreamTimeoutError) return 'timeout';
  if (error instanceof UpstreamResponseError) return error.status >= 500 ? 'server-error' : 'client-error';
  return 'unavailable';
}

function parseBody(text: string, contentType: unknown): unknown {
  if (text === '') return undefined;
  if (typeof contentType === 'string' && contentType.includes('json')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

export class ServiceClient {
  readonly name: string;
  readonly #pool: Pool;
  readonly #prefix: string;
  readonly #timeoutMs: number;
  readonly #breaker;
  readonly #retry;
  readonly #metrics: ServiceClientMetrics | undefined;
  readonly #idempotentPolicy;
  readonly #plainPolicy;

  constructor(options: ServiceClientOptions) {
    const url = new URL(options.baseUrl);
    this.name = options.name;
    this.#prefix = url.pathname.replace(/\/$/, '');
    this.#timeoutMs = options.timeoutMs ?? 2000;
    this.#pool = new Pool(url.origin, { connections: options.connections ?? 32, keepAliveTimeout: 10_000 });
    this.#breaker = createBreaker(options.breaker ?? { consecutiveFailures: 5, halfOpenAfterMs: 10_000 });
    this.#retry = createRetry(options.retry ?? { maxAttempts: 3, baseDelayMs: 50 });
    this.#idempotentPolicy = policyFor(true, this.#retry, this.#breaker);
    this.#plainPolicy = policyFor(false, this.#retry, this.#breaker);
    const log = options.logger;
    if (log) {
      this.#breaker.onBreak(() => log.warn({ upstream: this.name }, 'circuit opened'));
      this.#breaker.onHalfOpen(() => log.info({ upstream: this.name }, 'circuit half-open; probing'));
      this.#breaker.onReset(() => log.info({ upstream: this.name }, 'circuit closed'));
    }
    this.#metrics = options.metrics ? serviceClientMetrics(options.metrics) : undefined;
    const metrics = this.#metrics;
    if (metrics) {
      const upstream = this.name;
      metrics.circuitOpen.set({ upstream }, 0);
      this.#breaker.onStateChange(() =>
        metrics.circuitOpen.set({ upstream }, ['open', 'isolated'].includes(this.breakerState) ? 1 : 0),
      );
      this.#retry?.onRetry(() => metrics.retries.inc({ upstream }));
    }
  }

  get breakerState(): BreakerState {
    return breakerStateName(this.#breaker.state);
  }

  async request<T>(request: ServiceRequest): Promise<ServiceResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
    // Lower-case names, so `Idempotency-Key` and `idempotency-key` are one header.
    for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
    if (request.idempotencyKey) headers['idempotency-key'] = request.idempotencyKey;
    const context = currentRequestContext();
    if (context) headers[REQUEST_ID_HEADER] = context.requestId;
    let body: string | undefined;
    if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers['content-type'] = 'application/json';
    }
    const idempotent =
      IDEMPOTENT_METHODS.has(request.method) || (request.method === 'POST' && headers['idempotency-key'] !== undefined);
    const query = request.query
      ? Object.fromEntries(Object.entries(request.query).filter(([, value]) => value !== undefined))
      : undefined;

    const stopTimer = this.#metrics?.callDuration.startTimer({ upstream: this.name, method: request.method });
    try {
      const policy = idempotent ? this.#idempotentPolicy : this.#plainPolicy;
      const response = await policy.execute(() =>
        this.#attempt<T>({
          method: request.method,
          path: this.#prefix + request.path,
          // Each attempt is its own client span, so it gets its own span id.
          headers: { ...headers, [TRACEPARENT_HEADER]: outgoingTraceparent(context?.trace) },
          ...(query ? { query } : {}),
          ...(body === undefined ? {} : { body }),
        }),
      );
      stopTimer?.({ outcome: 'success' });
      return response;
    } catch (error) {
      stopTimer?.({ outcome: outcomeOf(error) });
      if (isBrokenCircuitError(error)) {
        throw new UnavailableError(`${this.name}: circuit open`, { code: 'upstream-unavailable', cause: error });
      }
      if (error instanceof RetryableUpstreamError) {
        throw new UnavailableError(`${this.name}: ${error.message}`, { code: 'upstream-unavailable', cause: error });
      }
      throw error;
    }
  }

  async #attempt<T>(options: {
    method: HttpMethod;
    path: string;
    headers: Record<string, string>;
    query?: Record<string, unknown>;
    body?: string;
  }): Promise<ServiceResponse<T>> {
    const signal = AbortSignal.timeout(this.#timeoutMs);
    try {
      const response = await this.#pool.request({ ...options, signal });
      const text = await response.body.text();
      const parsed = parseBody(text, response.headers['content-type']);
      if (response.statusCode < 400) {
        return { status: response.statusCode, headers: response.headers, body: parsed as T };
      }
      if (RETRYABLE_STATUSES.has(response.statusCode)) {
        throw new RetryableUpstreamError(`answered ${response.statusCode}`, response.statusCode);
      }
      throw new UpstreamResponseError(this.name, response.statusCode, parsed);
    } catch (error) {
      if (error instanceof RetryableUpstreamError || error instanceof UpstreamResponseError) throw error;
      if (signal.aborted) throw new UpstreamTimeoutError(this.name, this.#timeoutMs, { cause: error });
      // Anything else is the network: refused, reset, DNS, socket closed mid-response.
      const message = error instanceof Error ? error.message : String(error);
      throw new RetryableUpstreamError(`unreachable (${message})`, undefined, { cause: error });
    }
  }

  async get<T>(path: string, options: Omit<ServiceRequest, 'method' | 'path' | 'body'> = {}): Promise<T> {
    return (await this.request<T>({ ...options, method: 'GET', path })).body;
  }

  async post<T>(path: string, body: unknown, options: Omit<ServiceRequest, 'method' | 'path' | 'body'> = {}) {
    return (await this.request<T>({ ...options, method: 'POST', path, body })).body;
  }

  async put<T>(path: string, body: unknown, options: Omit<ServiceRequest, 'method' | 'path' | 'body'> = {}) {
    return (await this.request<T>({ ...options, method: 'PUT', path, body })).body;
  }

  async delete<T>(path: string, options: Omit<ServiceRequest, 'method' | 'path' | 'body'> = {}): Promise<T> {
    return (await this.request<T>({ ...options, method: 'DELETE', path })).body;
  }

  /** Closes pooled connections; register it in an onClose hook where the client was created. */
  async close(): Promise<void> {
    await this.#pool.close();
  }
}

export function createServiceClient(options: ServiceClientOptions): ServiceClient {
  return new ServiceClient(options);
}
