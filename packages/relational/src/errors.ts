// Maps driver errors (node-postgres and PGlite report the same SQLSTATE codes) to the shared typed
// errors, so that services handle "duplicate" and "database down" the same way on both adapters.
import { ConflictError, UnavailableError } from '@scalegram/contracts/errors';

/** A unique constraint (or primary key) rejected the write. `constraint` names it, e.g. "users_username_key". */
export class UniqueViolationError extends ConflictError {
  override name = 'UniqueViolationError';
  readonly constraint: string | undefined;
  constructor(constraint: string | undefined, cause: unknown) {
    super(`unique constraint violated: ${constraint ?? 'unknown'}`, { code: 'unique-violation', cause });
    this.constraint = constraint;
  }
}

// Socket-level failures: the server is not there (yet) or went away.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

// node-postgres reports a dropped connection or an exhausted pool without a code, only a message;
// PGlite says "PGlite is closed" once closed.
const UNAVAILABLE_MESSAGE =
  /connection terminated|timeout exceeded when trying to connect|connection error|not queryable|pglite is closed/i;

function field(error: unknown, key: string): string | undefined {
  if (typeof error !== 'object' || error === null || !(key in error)) return undefined;
  const value = (error as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

function isUnavailable(error: unknown): boolean {
  const code = field(error, 'code');
  if (code !== undefined) {
    if (NETWORK_CODES.has(code)) return true;
    // 08xxx connection exception; 53xxx insufficient resources (too many connections, disk full);
    // 57P01-57P03 the server is shutting down, crashed or is still starting.
    if (code.startsWith('08') || code.startsWith('53') || /^57P0[123]$/.test(code)) return true;
  }
  const message = error instanceof Error ? error.message : '';
  return UNAVAILABLE_MESSAGE.test(message);
}

/** Returns the typed error for `error`, or `error` itself when it is not one we translate. */
export function mapDatabaseError(error: unknown, databaseName: string): unknown {
  if (error instanceof ConflictError || error instanceof UnavailableError) return error;
  const code = field(error, 'code');
  if (code === '23505') return new UniqueViolationError(field(error, 'constraint'), error);
  // 57014: cancelled by statement_timeout. The database is overloaded or the query is too slow
  // for this request; either way the caller should see "try again later", not a 500.
  if (code === '57014') {
    return new UnavailableError(`${databaseName}: statement timed out`, { code: 'statement-timeout', cause: error });
  }
  if (isUnavailable(error)) {
    const detail = error instanceof Error ? error.message : String(error);
    return new UnavailableError(`${databaseName} is unavailable: ${detail}`, {
      code: 'database-unavailable',
      cause: error,
    });
  }
  return error;
}
