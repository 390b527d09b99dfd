// The error services throw for any 4xx the shared typed errors do not cover
// (400 business rule, 401, 403, 422, 429...). The error handler turns it into problem+json.

export interface HttpProblemOptions {
  /** Explanation of this occurrence, safe to show the client. */
  detail?: string;
  /** Extra members added to the problem body (RFC 9457 extensions), e.g. `{ retryAfterSeconds: 3 }`. */
  extra?: Record<string, unknown>;
  /** Response headers to send with the problem, e.g. `Retry-After`, `WWW-Authenticate`. */
  headers?: Record<string, string>;
  cause?: unknown;
}

export class HttpProblem extends Error {
  override name = 'HttpProblem';
  readonly status: number;
  /** Stable machine-readable code; the last segment of the problem `type` URI. */
  readonly code: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly extra: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, title: string, options: HttpProblemOptions = {}) {
    super(options.detail ?? title, { cause: options.cause });
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError(`HttpProblem status must be an HTTP error status, got ${status}`);
    }
    this.status = status;
    this.code = code;
    this.title = title;
    this.detail = options.detail;
    this.extra = options.extra ?? {};
    this.headers = options.headers ?? {};
  }
}
