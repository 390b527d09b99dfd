// The text rule for posts and comments. "Characters" are user-perceived characters — Unicode extended
// grapheme clusters, as Intl.Segmenter counts them — so "👩‍👩‍👧" (five code points, eight UTF-16 units) is
// one character and can never be cut in half. JSON Schema's maxLength counts UTF-16 units instead, which
// is why the rule lives here and not in the route schema.
import { MAX_POST_TEXT_BYTES, MAX_POST_TEXT_GRAPHEMES } from '@scalegram/contracts/posts';
import { HttpProblem } from '@scalegram/kit/http-problem';

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

export function countGraphemes(text: string): number {
  let count = 0;
  for (const _ of segmenter.segment(text)) count++;
  return count;
}

function invalid(field: string, message: string): HttpProblem {
  return new HttpProblem(400, 'validation-failed', 'Request validation failed', {
    detail: `${field} ${message}`,
    extra: { errors: [{ field, message }] },
  });
}

/**
 * Returns the text as stored: NFC-normalised (so "é" typed two ways is one string, counted and matched
 * alike). Throws a 400 problem when it is blank, longer than 255 characters, or beyond the byte cap
 * (which bounds storage even for graphemes built from many combining marks).
 */
export function normalizeText(raw: string, field = '/body/text'): string {
  const text = raw.normalize('NFC');
  if (text.trim() === '') throw invalid(field, 'must not be empty');
  if (Buffer.byteLength(text, 'utf8') > MAX_POST_TEXT_BYTES) {
    throw invalid(field, `must be at most ${MAX_POST_TEXT_BYTES} bytes of UTF-8`);
  }
  const length = countGraphemes(text);
  if (length > MAX_POST_TEXT_GRAPHEMES) {
    throw invalid(field, `must be at most ${MAX_POST_TEXT_GRAPHEMES} characters (got ${length})`);
  }
  return text;
}
