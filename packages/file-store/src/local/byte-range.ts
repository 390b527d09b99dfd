// A single HTTP byte range (RFC 9110 §14.1.2), enough for video players and resumable downloads.
// Multiple ranges (multipart/byteranges) are not supported: as the RFC allows, such a request
// is answered with the whole object.

export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

/**
 * `undefined` when the header is absent or not a single byte range (serve the whole object);
 * `'unsatisfiable'` when it lies entirely past the end (answer 416).
 */
export function parseByteRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  const match = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    // A suffix range: the last N bytes.
    const length = Number(last);
    if (length === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return undefined; // malformed: ignore, as the RFC says
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}
