// Typed errors raised by the service client. They live apart from the client so the error handler
// can map them without importing undici and cockatiel.

/** An upstream service did not answer within the per-attempt timeout (every attempt timed out). */
export class UpstreamTimeoutError extends Error {
  override name = 'UpstreamTimeoutError';
  readonly status = 504;
  readonly code = 'upstream-timeout';
  readonly upstream: string;
  constructor(upstream: string, timeoutMs: number, options: { cause?: unknown } = {}) {
    super(`${upstream} did not answer within ${timeoutMs} ms`, options);
    this.upstream = upstream;
  }
}

/**
 * An upstream service answered with an error status that is not "unavailable" (a 4xx, or a 500).
 * Not retried. The caller decides what it means: a 404 from the user service may become this
 * service's own NotFoundError. Left unhandled, the error handler answers 502 `upstream-error`
 * without echoing the upstream body, since that body describes someone else's internals.
 */
export class UpstreamResponseError extends Error {
  override name = 'UpstreamResponseError';
  readonly code = 'upstream-error';
  readonly upstream: string;
  /** The upstream's HTTP status. */
  readonly status: number;
  /** The upstream's parsed JSON body (usually a problem document), or its text if not JSON. */
  readonly body: unknown;
  constructor(upstream: string, status: number, body: unknown) {
    super(`${upstream} answered ${status}`);
    this.upstream = upstream;
    this.status = status;
    this.body = body;
  }

  /** The upstream's problem `code`, when it answered with a problem document. */
  get problemCode(): string | undefined {
    const body = this.body as { code?: unknown } | null;
    return typeof body === 'object' && body !== null && typeof body.code === 'string' ? body.code : undefined;
  }
}
