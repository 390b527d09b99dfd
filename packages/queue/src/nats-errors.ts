// Maps NATS client errors onto the shared adapter errors, so a service sees the same UnavailableError
// (→ 503) from NATS as from the in-process bus, and never a NATS-specific class.

import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { errors } from '@nats-io/nats-core';
import { ConflictError, UnavailableError } from '@scalegram/contracts/errors';

/** JetStream API codes that mean "your configuration clashes with what exists". */
const CONFLICT_CODES = new Set([
  10058, // stream name already in use with a different configuration
  10065, // subjects overlap with an existing stream
  10052, // invalid stream configuration (e.g. a retention change)
  10012, // consumer configuration cannot be updated this way
  10013, // consumer name already in use
]);

export function toBusError(err: unknown, action: string): Error {
  if (err instanceof UnavailableError || err instanceof ConflictError) return err;
  if (hasNoResponders(err)) {
    return new UnavailableError(`${action}: no JetStream stream answered`, { code: 'no-stream', cause: err });
  }
  if (
    err instanceof errors.TimeoutError ||
    err instanceof errors.ClosedConnectionError ||
    err instanceof errors.DrainingConnectionError ||
    err instanceof errors.ConnectionError
  ) {
    return new UnavailableError(`${action}: NATS is unavailable (${err.message})`, {
      code: 'broker-unavailable',
      cause: err,
    });
  }
  if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound) {
    return new UnavailableError(`${action}: stream not found`, { code: 'no-stream', cause: err });
  }
  if (err instanceof JetStreamApiError && CONFLICT_CODES.has(err.code)) {
    return new ConflictError(`${action}: ${err.message}`, { code: 'broker-config-conflict', cause: err });
  }
  return err instanceof Error ? err : new Error(String(err));
}

function hasNoResponders(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = e.cause) {
    if (e instanceof errors.NoRespondersError) return true;
  }
  return false;
}
