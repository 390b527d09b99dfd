// Cursor pagination: `{ items, nextCursor }`, `nextCursor` null on the last page.
// Cursors are opaque to clients: base64url of a small JSON position the server chose.
import Type, { type TSchema } from 'typebox';
import { isId } from './ids.ts';

export const DEFAULT_PAGE_LIMIT = 20;
export const MAX_PAGE_LIMIT = 100;
const MAX_CURSOR_LENGTH = 512;

export const PageQuery = Type.Object(
  {
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_CURSOR_LENGTH, pattern: '^[A-Za-z0-9_-]+$' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT })),
  },
  { additionalProperties: false },
);
export type PageQuery = Type.Static<typeof PageQuery>;

export function Page<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Opaque; null on the last page' }),
  });
}

export interface PageOf<T> {
  items: T[];
  nextCursor: string | null;
}

/** Raised when a client sends a cursor this server never issued; services answer 400. */
export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
}

export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/** What a cursor field may hold: a 64-bit id (decimal string) or a time in ms since the epoch. */
export type CursorField = 'id' | 'epoch-ms';
type CursorValue<F extends CursorField> = F extends 'id' ? string : number;

// Cursors name rows by values the stores hold: an id must fit a Postgres bigint, a time a timestamptz.
// 0 … 8.64e15 ms is 1970 to the largest time a JavaScript Date holds, well inside Postgres' range.
const MAX_EPOCH_MS = 8.64e15;

function fieldIsValid(kind: CursorField, value: unknown): boolean {
  if (kind === 'id') return typeof value === 'string' && isId(value);
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= MAX_EPOCH_MS;
}

/**
 * Decodes a cursor and checks that it carries exactly the expected keys, each a value this server could
 * have issued (in range for the column it will be compared with). Anything else is an
 * InvalidCursorError (400), so a forged cursor never reaches a database as a bad value.
 */
export function decodeCursor<S extends Record<string, CursorField>>(
  cursor: string,
  shape: S,
): { [K in keyof S]: CursorValue<S[K]> } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('cursor is not one this server issued');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidCursorError('cursor is not one this server issued');
  }
  const record = parsed as Record<string, unknown>;
  const keys = Object.keys(shape);
  if (Object.keys(record).length !== keys.length) throw new InvalidCursorError('cursor is not one this server issued');
  for (const key of keys) {
    if (!Object.hasOwn(record, key) || !fieldIsValid(shape[key] as CursorField, record[key])) {
      throw new InvalidCursorError('cursor is not one this server issued');
    }
  }
  return record as { [K in keyof S]: CursorValue<S[K]> };
}
