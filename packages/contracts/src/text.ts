// What a free-text field accepts, decided once for every service
// (docs/adr/0042-input-bounds-text-ids-cursors-json-depth.md).
// Rejected with a 400 naming the field — never stored, never normalized away silently:
//   - U+0000 (Postgres `text` and `jsonb` cannot hold it) and every other C0 control, DEL and the C1
//     controls (U+0080–U+009F): invisible, and some terminals and log viewers act on them;
//   - lone surrogates (a UTF-16 half without its pair): not Unicode text, no UTF-8 form, refused by
//     `jsonb` (the outbox) and silently turned into U+FFFD by drivers;
//   - the bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069): they
//     reorder what a reader sees ("Trojan Source" spoofing); right-to-left text needs none of them.
// Multi-line fields (post and comment text, bio) also accept tab, line feed and carriage return;
// single-line fields (display name, search queries) accept no line breaks at all (nor U+2028/U+2029).
// The patterns are JSON Schema `pattern`s in Unicode mode (ECMA-262 `u`, as TypeBox and Ajv compile
// them), where `\uD800-\uDFFF` in a class matches only an unpaired surrogate, never half of an emoji.
import Type, { type TStringOptions } from 'typebox';

const REFUSED_EVERYWHERE =
  '\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\uD800-\\uDFFF\\u202A-\\u202E\\u2066-\\u2069';

/** Tab, LF and CR are the only controls a multi-line field accepts. */
export const MULTI_LINE_TEXT_PATTERN = `^[^${REFUSED_EVERYWHERE}]*$`;
/** No control character at all, and no line or paragraph separator. */
export const SINGLE_LINE_TEXT_PATTERN = `^[^\\u0009\\u000A\\u000D\\u2028\\u2029${REFUSED_EVERYWHERE}]*$`;

const MULTI_LINE = new RegExp(MULTI_LINE_TEXT_PATTERN, 'u');
const SINGLE_LINE = new RegExp(SINGLE_LINE_TEXT_PATTERN, 'u');

const MULTI_LINE_MESSAGE =
  'must not contain control characters other than tab and line breaks, unpaired surrogates or bidirectional override characters';
const SINGLE_LINE_MESSAGE =
  'must not contain control characters, line breaks, unpaired surrogates or bidirectional override characters';

/** Human messages for the two patterns; the error handler uses them instead of echoing the regex. */
export const TEXT_PATTERN_MESSAGES: Readonly<Record<string, string>> = {
  [MULTI_LINE_TEXT_PATTERN]: MULTI_LINE_MESSAGE,
  [SINGLE_LINE_TEXT_PATTERN]: SINGLE_LINE_MESSAGE,
};

/** Text that may span lines: post and comment text, a bio. */
export function MultiLineText(options: TStringOptions = {}) {
  return Type.String({ ...options, pattern: MULTI_LINE_TEXT_PATTERN });
}

/** One line of text: a display name, a search query. */
export function SingleLineText(options: TStringOptions = {}) {
  return Type.String({ ...options, pattern: SINGLE_LINE_TEXT_PATTERN });
}

export function isMultiLineText(value: string): boolean {
  return MULTI_LINE.test(value);
}

export function isSingleLineText(value: string): boolean {
  return SINGLE_LINE.test(value);
}
