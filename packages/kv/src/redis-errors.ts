// Turns what ioredis throws into the port's errors. Redis's own error replies that mean "wrong kind of
// value" become the same typed errors the memory store raises; anything that is not a reply from the
// server (refused connection, closed socket, timeout, offline) means Redis cannot be reached now.
import { UnavailableError } from '@scalegram/contracts/errors';
import { NotIntegerError, WrongTypeError } from './errors.ts';

export function toStoreError(error: unknown): Error {
  if (!(error instanceof Error)) return new UnavailableError(`Redis failed: ${String(error)}`, { cause: error });
  if (error.name !== 'ReplyError') {
    return new UnavailableError(`Redis is unavailable: ${error.message}`, { cause: error, code: 'kv-unavailable' });
  }
  // Inside a Lua script Redis keeps the original error text, followed by the script's location.
  if (error.message.includes('WRONGTYPE')) return new WrongTypeError(error.message, { cause: error });
  if (/not an integer|would overflow/.test(error.message)) return new NotIntegerError(error.message, { cause: error });
  return error; // any other error reply is a bug in this adapter: let it surface unchanged
}
