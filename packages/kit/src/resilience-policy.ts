// The resilience policy of the service client, built from cockatiel (ADR 0003):
//   retry (idempotent requests only; network errors and 502/503/504 only; exponential backoff with
//   jitter)  ⟶  circuit breaker (one per client: opens after N consecutive dependency failures, one
//   half-open probe after a cool-down)  ⟶  the attempt itself (with its own timeout).
// Retry sits outside the breaker so every attempt is seen by the breaker, and a breaker that opens
// mid-retry stops the retries at once (BrokenCircuitError is not retryable).
import {
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleWhen,
  type IPolicy,
  noop,
  type RetryPolicy,
  retry,
  wrap,
} from 'cockatiel';
import { UpstreamTimeoutError } from './upstream-errors.ts';

export interface RetryOptions {
  /** Total attempts including the first; 1 disables retries. */
  maxAttempts: number;
  /** First backoff delay; later ones grow exponentially (with jitter) up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs?: number;
}

export interface BreakerOptions {
  /** Consecutive failed attempts that open the circuit. */
  consecutiveFailures: number;
  /** How long the circuit stays open before one probe request is let through. */
  halfOpenAfterMs: number;
}

/** An attempt that failed in a way worth retrying: the network, or the upstream said "not now". */
export class RetryableUpstreamError extends Error {
  override name = 'RetryableUpstreamError';
  /** The upstream status (502/503/504), or undefined for a network error. */
  readonly status: number | undefined;
  constructor(message: string, status: number | undefined, options: { cause?: unknown } = {}) {
    super(message, options);
    this.status = status;
  }
}

export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

/**
 * What the breaker counts (ADR 0003): the dependency failing, never one request failing. A failure is
 * an upstream that cannot be reached (refused, reset, DNS, closed mid-answer), that did not answer in
 * time, or that says it cannot serve anyone now (502, 503, 504). Not a 4xx (the request's own fault),
 * and not a 500 or any other 5xx: an upstream that answers at all is up, and a 500 is one request
 * meeting a bug — counting it would let one caller's crafted inputs open the circuit for everyone.
 * Everything here is also what the retry policy retries, by design: both mean "not now, not you".
 */
export function isDependencyFailure(error: unknown): boolean {
  return error instanceof RetryableUpstreamError || error instanceof UpstreamTimeoutError;
}

export function createBreaker(options: BreakerOptions): CircuitBreakerPolicy {
  return circuitBreaker(handleWhen(isDependencyFailure), {
    halfOpenAfter: options.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(options.consecutiveFailures),
  });
}

export function createRetry(options: RetryOptions): RetryPolicy | undefined {
  if (options.maxAttempts <= 1) return undefined;
  return retry(
    handleWhen((error) => error instanceof RetryableUpstreamError),
    {
      // cockatiel counts retries, not attempts.
      maxAttempts: options.maxAttempts - 1,
      backoff: new ExponentialBackoff({
        initialDelay: options.baseDelayMs,
        maxDelay: options.maxDelayMs ?? 30 * options.baseDelayMs,
      }),
    },
  );
}

/** Idempotent requests get retry + breaker; the rest only the breaker. */
export function policyFor(idempotent: boolean, retryPolicy: RetryPolicy | undefined, breaker: CircuitBreakerPolicy) {
  const policy: IPolicy = idempotent && retryPolicy ? wrap(retryPolicy, breaker) : wrap(noop, breaker);
  return policy;
}

export type BreakerState = 'closed' | 'open' | 'half-open' | 'isolated';

export function breakerStateName(state: CircuitState): BreakerState {
  switch (state) {
    case CircuitState.Closed:
      return 'closed';
    case CircuitState.Open:
      return 'open';
    case CircuitState.HalfOpen:
      return 'half-open';
    default:
      return 'isolated';
  }
}
