// Typed errors the building-block adapters raise. Services (through packages/kit's error handler)
// map them to problem+json: NotFound → 404, Conflict → 409, Unavailable → 503.
// They live here, not in kit, so that an adapter package never depends on the HTTP runtime.

export interface ErrorDetails {
  /** Stable machine-readable code, used as the last segment of the problem `type`. */
  code?: string;
  cause?: unknown;
}

/** An error that knows the HTTP status it maps to and carries a stable code. */
export class TypedError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, defaultCode: string, message: string, details: ErrorDetails) {
    super(message, { cause: details.cause });
    this.status = status;
    this.code = details.code ?? defaultCode;
  }
}

export class NotFoundError extends TypedError {
  override name = 'NotFoundError';
  constructor(message: string, details: ErrorDetails = {}) {
    super(404, 'not-found', message, details);
  }
}

export class ConflictError extends TypedError {
  override name = 'ConflictError';
  constructor(message: string, details: ErrorDetails = {}) {
    super(409, 'conflict', message, details);
  }
}

/** A dependency (database, cache, broker, object store, upstream service) cannot be reached now. */
export class UnavailableError extends TypedError {
  override name = 'UnavailableError';
  constructor(message: string, details: ErrorDetails = {}) {
    super(503, 'unavailable', message, details);
  }
}

/** The caller passed something the operation cannot accept (a bad key, option or argument): 400. */
export class InvalidInputError extends TypedError {
  override name = 'InvalidInputError';
  constructor(message: string, details: ErrorDetails = {}) {
    super(400, 'invalid-input', message, details);
  }
}
