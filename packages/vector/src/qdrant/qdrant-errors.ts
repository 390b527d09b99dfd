// Turns what @qdrant/js-client-rest throws into the port's errors.
//
// The client throws, for a non-2xx answer, an ApiError of @qdrant/openapi-typescript-fetch carrying
// `status` and the body as `data` (Qdrant's body is `{ status: { error: "..." } }`); a
// QdrantClientTimeoutError when its own timeout fires; a QdrantClientResourceExhaustedError on a 429
// with Retry-After; and whatever fetch throws (a TypeError "fetch failed" with the socket error as cause)
// when the server cannot be reached. ApiError is not re-exported by the client, so it is recognised by shape.

import { QdrantClientResourceExhaustedError, QdrantClientTimeoutError } from '@qdrant/js-client-rest';
import { ConflictError, NotFoundError, UnavailableError } from '@scalegram/contracts/errors';

interface HttpFailure {
  status: number;
  data?: unknown;
}

function httpFailure(error: unknown): HttpFailure | undefined {
  if (typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number') {
    return error as HttpFailure;
  }
  return undefined;
}

function qdrantMessage(failure: HttpFailure): string {
  const data = failure.data as { status?: { error?: unknown } } | undefined;
  const message = data?.status?.error;
  return typeof message === 'string' ? message : `HTTP ${failure.status}`;
}

/** `error` as NotFoundError / ConflictError / UnavailableError / RangeError, or unchanged if none fits. */
export function toPortError(error: unknown, context: string): unknown {
  if (error instanceof QdrantClientTimeoutError || error instanceof QdrantClientResourceExhaustedError) {
    return new UnavailableError(`${context}: Qdrant is overloaded or too slow`, { cause: error });
  }
  const failure = httpFailure(error);
  if (failure !== undefined) {
    const message = `${context}: ${qdrantMessage(failure)}`;
    if (failure.status === 404) return new NotFoundError(message, { cause: error });
    if (failure.status === 409) return new ConflictError(message, { cause: error });
    // Qdrant answers 400/422 for input it refuses, e.g. "Wrong input: Vector dimension error".
    if (failure.status === 400 || failure.status === 422) return new RangeError(message, { cause: error });
    if (failure.status === 429 || failure.status >= 500) return new UnavailableError(message, { cause: error });
    return error;
  }
  // fetch rejects with a TypeError when there is no HTTP answer at all (refused, reset, DNS failure).
  // Checked by name: fetch's TypeError may come from another realm (e.g. under Jest's VM modules).
  if ((error as { name?: unknown } | null)?.name === 'TypeError')
    return new UnavailableError(`${context}: Qdrant is unreachable`, { cause: error });
  return error;
}
