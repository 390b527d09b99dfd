// Cursor pagination: `{ items, nextCursor }`, `nextCursor` null on the last page.
// Cursors are opaque to clients: base64url of a small JSON position the server chose.
import Type, { type TSchema } from 'typebox';

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

/** Decodes a cursor and checks that it carries exactly the expected keys with the expected types. */
export function decodeCursor<K extends string>(
  cursor: string,
  shape: Record<K, 'string' | 'number'>,
): Record<K, string | number> {
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
  const keys = Object.keys(shape) as K[];
  if (Object.keys(record).length !== keys.length) throw new InvalidCursorError('cursor is not one this server issued');
  for (const key of keys) {
    if (typeof record[key] !== shape[key]) throw new InvalidCursorError('cursor is not one this server issued');
  }
  return record as Record<K, string | number>;
}
