// The text rules (ADR 0042): each class of character, in both kinds of field, through the compiled
// schema exactly as a service validates a request.
import { describe, expect, it } from '@jest/globals';
import { Compile } from 'typebox/compile';
import { CreateCommentRequest, CreatePostRequest, UpdatePostRequest } from '../src/posts.ts';
import {
  isMultiLineText,
  isSingleLineText,
  MultiLineText,
  SingleLineText,
  TEXT_PATTERN_MESSAGES,
} from '../src/text.ts';
import { Bio, DisplayName } from '../src/users.ts';

const multi = Compile(MultiLineText());
const single = Compile(SingleLineText());

const everywhereRefused: [string, string][] = [
  ['U+0000', 'a\u0000b'],
  ['U+0001', '\u0001'],
  ['U+0008 backspace', 'a\bb'],
  ['U+000B vertical tab', 'a\u000Bb'],
  ['U+000C form feed', 'a\fb'],
  ['U+001B escape', '\u001B[31mred'],
  ['U+001F', '\u001F'],
  ['U+007F delete', 'a\u007F'],
  ['U+0080', '\u0080'],
  ['U+0085 next line', 'a\u0085b'],
  ['U+009F', '\u009F'],
  ['a lone high surrogate', 'a\uD800b'],
  ['a lone low surrogate', '\uDC00'],
  ['a reversed pair', '\uDE00\uD83D'],
  ['U+202A LRE', '\u202A'],
  ['U+202B RLE', '\u202B'],
  ['U+202C PDF', '\u202C'],
  ['U+202D LRO', '\u202D'],
  ['U+202E RLO', 'abc\u202Etxt.exe'],
  ['U+2066 LRI', '\u2066'],
  ['U+2067 RLI', '\u2067'],
  ['U+2068 FSI', '\u2068'],
  ['U+2069 PDI', '\u2069'],
];

const everywhereAccepted: [string, string][] = [
  ['plain text', 'Hello @user_1, #coffee'],
  ['the empty string (length rules are separate)', ''],
  ['emoji (surrogate pairs)', '😀👩‍👩‍👧🏳️‍🌈'],
  ['a character beyond the BMP at the very end', 'x\u{1F600}'],
  ['right-to-left text with marks', 'مرحبا \u200Fبالعالم\u200E'],
  ['zero-width joiner and variation selectors', '❤\uFE0F\u200D🔥'],
  ['combining marks', 'e\u0301'],
  ['U+00A0 and U+3000 spaces', 'a\u00A0b\u3000c'],
];

describe('text rules', () => {
  it.each(everywhereRefused)('refuses %s in both kinds of field', (_name, value) => {
    expect(multi.Check(value)).toBe(false);
    expect(single.Check(value)).toBe(false);
    expect(isMultiLineText(value)).toBe(false);
    expect(isSingleLineText(value)).toBe(false);
  });

  it.each(everywhereAccepted)('accepts %s in both kinds of field', (_name, value) => {
    expect(multi.Check(value)).toBe(true);
    expect(single.Check(value)).toBe(true);
  });

  it.each([
    ['tab', 'a\tb'],
    ['line feed', 'a\nb'],
    ['CR LF', 'a\r\nb'],
    ['U+2028 line separator', 'a\u2028b'],
    ['U+2029 paragraph separator', 'a\u2029b'],
  ])('accepts %s in multi-line text only', (_name, value) => {
    expect(multi.Check(value)).toBe(true);
    expect(single.Check(value)).toBe(false);
  });

  it('applies to every free-text field of the contracts', () => {
    const nul = 'a\u0000b';
    expect(Compile(DisplayName).Check(nul)).toBe(false);
    expect(Compile(DisplayName).Check('two\nlines')).toBe(false);
    expect(Compile(Bio).Check(nul)).toBe(false);
    expect(Compile(Bio).Check('two\nlines')).toBe(true);
    for (const request of [CreatePostRequest, UpdatePostRequest, CreateCommentRequest]) {
      expect(Compile(request).Check({ text: nul })).toBe(false);
      expect(Compile(request).Check({ text: '\uD800' })).toBe(false);
      expect(Compile(request).Check({ text: 'fine\n' })).toBe(true);
    }
  });

  it('names each rule in words for the problem document', () => {
    for (const schema of [MultiLineText(), SingleLineText()]) {
      expect(TEXT_PATTERN_MESSAGES[(schema as { pattern?: string }).pattern ?? '']).toMatch(
        /^must not contain control characters/,
      );
    }
  });
});
