// Typed errors the building-block adapters raise. Services (through packages/kit's error handler)
// map them to problem+json: NotFound → 404, Conflict → 409, Unavailable → 503.
// They live here, not in kit, so that an adapter package never depends on the HTTP runtime.

export interface ErrorDetails {
  /** Stable machine-readable code, used as the last segment of the problem `type`. */
  code?: string;
  cause?: unknown;
}

export class NotFoundError extends Error {
  override name = 'NotFoundError';
  readonly status = 404;
  readonly code: string;
  constructor(message: string, details: ErrorDetails = {}) {
    super(message, { cause: details.cause });
    this.code = details.code ?? 'not-found';
  }
}

export class ConflictError extends Error {
  override name = 'ConflictError';
  readonly status = 409;
  readonly code: string;
  constructor(message: string, details: ErrorDetails = {}) {
    super(message, { cause: details.cause });
    this.code = details.code ?? 'conflict';
  }
}

/** A dependency (database, cache, broker, object store, upstream service) cannot be reached now. */
export class UnavailableError extends Error {
  override name = 'UnavailableError';
  readonly status = 503;
  readonly code: string;
  constructor(message: string, details: ErrorDetails = {}) {
    super(message, { cause: details.cause });
    this.code = details.code ?? 'unavailable';
  }
}
