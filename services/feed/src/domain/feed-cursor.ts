// The feed's opaque cursor: the id of the last post the client saw. A page is "entries older than the
// cursor", so posts arriving meanwhile (always newer ids) land before the first page and never shift the
// page being walked: no duplicates, no gaps.
import { decodeCursor, encodeCursor } from '@scalegram/contracts/pagination';

export function encodeFeedCursor(lastPostId: string): string {
  return encodeCursor({ before: lastPostId });
}

/** The post id inside a cursor this service issued; anything else is an InvalidCursorError (400). */
export function decodeFeedCursor(cursor: string): string {
  return decodeCursor(cursor, { before: 'id' }).before;
}
