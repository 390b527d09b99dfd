// The classes of hostile input the fuzz suite mixes into every field, as fast-check arbitraries: text
// that databases, JSON encoders and terminals choke on, numbers outside every integer type, ids outside
// the 64-bit range, cursors that decode to nonsense, and JSON nested deeper than any parser should walk.
import fc from 'fast-check';

/** Characters that must never reach a store unchecked: NUL, lone surrogates, C0/C1 controls, bidi overrides. */
export const NASTY_CHARACTERS = [
  '\u0000',
  '\ud800',
  '\udfff',
  '\udc00\ud800',
  '\u0001',
  '\u0007',
  '\u001b[31m',
  '\u007f',
  '\u0085',
  '\u009b',
  '\u2028',
  '\u202e',
  '\u2066',
  '\u2069',
  '\u200f',
  '\u200b',
  '\ufeff',
  '\ufffe',
  '\uffff',
  '\r\n',
  '\t',
];

const NASTY_WORDS = [
  "'; drop table posts; --",
  '" OR 1=1 --',
  '../../etc/passwd',
  '%00',
  '%ZZ',
  '%F0%9F',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4j-style lookup, sent as text on purpose
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'null',
  'undefined',
  'NaN',
  '👩‍👩‍👧‍👦',
  '🏳️‍🌈',
  'é',
  'é',
  'ﷺ',
  '𒐫',
  'Z̷̛̛̛̛̛̛a̸̢̢̢̢̢l̸g̸o̸',
];

/** Text with a hostile character or word somewhere in an ordinary string. */
export const hostileText: fc.Arbitrary<string> = fc
  .tuple(
    fc.string({ maxLength: 12 }),
    fc.constantFrom(...NASTY_CHARACTERS, ...NASTY_WORDS),
    fc.string({ maxLength: 12 }),
  )
  .map(([before, nasty, after]) => `${before}${nasty}${after}`);

/** Over-long text: past every declared maxLength, up to past a header's or a parameter's limit. */
export const longText: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(256, 1_001, 5_000, 70_000), fc.constantFrom('a', 'é', '😀', '\u0000', ' '))
  .map(([length, unit]) => unit.repeat(length));

/** Numbers no integer column holds, and numbers JSON can barely write. */
export const hugeNumbers = [
  Number.MAX_SAFE_INTEGER + 2,
  -Number.MAX_SAFE_INTEGER - 2,
  2 ** 63,
  -(2 ** 63) - 1024,
  2 ** 64,
  1e308,
  -1e308,
  5e-324,
  -0,
  0.5,
  -1,
];

/** Decimal strings around and beyond the 64-bit ranges (ids are decimal strings of signed 64-bit values). */
export const BAD_IDS = [
  '0',
  '-1',
  '-9223372036854775808',
  '9223372036854775807',
  '9223372036854775808',
  '18446744073709551615',
  '18446744073709551616',
  '99999999999999999999999999999',
  '1e5',
  '0x10',
  '1.5',
  ' 1',
  '+1',
  '00000000000000000001',
  '١٢٣',
  'abc',
  '%00',
  "1' or '1'='1",
  'null',
  '1'.repeat(300),
];

export const badIds: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...BAD_IDS),
  // Out of the id range only (below 0, above 2^63 − 1): an in-range number is a valid id, not a bad one.
  fc.bigInt({ min: -(2n ** 70n), max: -1n }).map(String),
  fc.bigInt({ min: 2n ** 63n, max: 2n ** 70n }).map(String),
  hostileText,
);

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

/** Cursors: not base64, base64 of not-JSON, and JSON whose fields are out of range or of the wrong type. */
export const badCursors: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('!!!', '====', '', 'a', '%00', 'eyJ4IjoxfQ', '.'.repeat(2_000)),
  fc
    .oneof(
      fc.constantFrom(
        '{"s":"9999999999999999999"}',
        '{"s":"-9999999999999999999"}',
        '{"s":-1}',
        '{"s":1e400}',
        '{"s":null}',
        '{"id":"18446744073709551616"}',
        '{"id":"99999999999999999999","t":1}',
        '{"t":"not a time","id":"1"}',
        '[]',
        'null',
        '{"__proto__":{"x":1}}',
        '{"s":"\\u0000"}',
      ),
      fc.json({ maxDepth: 2 }),
    )
    .map(base64url),
  hostileText,
);

/** A JSON text nested `depth` levels deep, written without JSON.stringify (which would overflow first). */
export function deepJson(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array'
    ? `${'['.repeat(depth)}${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** Values of every JSON type, for "wrong type" mutations. */
export const anyJsonValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, '', [], {}, '0', 'true', [null], { '': null }),
  fc.constantFrom(...hugeNumbers),
  hostileText,
);
