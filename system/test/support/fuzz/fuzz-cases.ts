// One operation's generated requests. `mustReject` cases break the contract on purpose (a bad id, a
// schema-invalid query or body, malformed or oversized JSON, a missing or forged token, a wrong media
// type): the server must refuse them with a 4xx problem and write nothing. `edge` cases keep to the
// schema but carry hostile content (NUL, lone surrogates, controls, bidi overrides, emoji, maximal
// lengths, unknown query fields, odd headers, bad cursors): any answer but a 5xx is acceptable.
import fc from 'fast-check';
import { badCursors, badIds, deepJson, hostileText, longText } from './hostile-values.ts';
import type { Operation, Parameter } from './openapi-operations.ts';
import { invalidValue, type Resolve, validValue } from './schema-arbitraries.ts';

export interface FuzzCase {
  mustReject: boolean;
  /** What was broken, for the report. */
  what: string;
  method: string;
  /** Path and query, encoded. */
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface FuzzContext {
  resolve: Resolve;
  /** A real id for a path parameter (a fixture the caller may see). */
  fixtureId(operation: Operation, parameter: string): string;
  /** The bearer token the operation needs (a user's, or a service's for /internal). */
  tokenFor(operation: Operation): string;
  /** True when the operation answers anonymous callers (no token to break). */
  anonymous(operation: Operation): boolean;
}

interface Parts {
  what: string;
  mustReject: boolean;
  path?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
}

const stringify = (value: unknown) => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));

function queryArbitrary(resolve: Resolve, parameters: Parameter[]): fc.Arbitrary<Record<string, string>> {
  const shape: Record<string, fc.Arbitrary<string>> = {};
  for (const p of parameters) {
    shape[p.name] = p.name === 'cursor' ? fc.constant('') : validValue(p.schema, resolve).map(stringify);
  }
  return fc
    .record(shape, { requiredKeys: parameters.filter((p) => p.required).map((p) => p.name) })
    .map((query) => Object.fromEntries(Object.entries(query).filter(([name, value]) => name !== 'cursor' || value)));
}

// Percent-encoding that, unlike encodeURIComponent, does not refuse a lone surrogate: it sends the
// surrogate's three WTF-8 bytes, as a raw client could.
function encode(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (code >= 0xd800 && code <= 0xdfff) {
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((byte) => `%${byte.toString(16).toUpperCase()}`)
        .join('');
    } else out += encodeURIComponent(char);
  }
  return out;
}

function urlOf(operation: Operation, path: Record<string, string>, query: Record<string, string>): string {
  const filled = operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => encode(path[name] ?? ''));
  const search = Object.entries(query)
    .map(([name, value]) => `${encode(name)}=${encode(value)}`)
    .join('&');
  return search ? `${filled}?${search}` : filled;
}

const CONTENT_TYPES = ['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data'];
const FORGED_AUTH = [
  '',
  'Bearer',
  'Bearer ',
  'Bearer x.y.z',
  'Basic dXNlcjpwYXNz',
  'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.',
  `Bearer ${'a'.repeat(9_000)}`,
];
const MALFORMED_BODIES = [
  '{"a":',
  '',
  'null',
  '[]',
  '"text"',
  '{"a":1}garbage',
  '\u0000',
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
];

export function casesFor(operation: Operation, context: FuzzContext): fc.Arbitrary<FuzzCase> {
  const { resolve } = context;
  const validPath = Object.fromEntries(operation.pathParams.map((p) => [p.name, context.fixtureId(operation, p.name)]));
  const validQuery = queryArbitrary(resolve, operation.query);
  const validBody = operation.body
    ? validValue(operation.body, resolve).map((b) => JSON.stringify(b))
    : fc.constant(undefined);
  const mustReject: fc.Arbitrary<Parts>[] = [];
  const edge: fc.Arbitrary<Parts>[] = [];

  for (const p of operation.pathParams) {
    mustReject.push(badIds.map((id) => ({ what: `bad ${p.name}`, mustReject: true, path: { [p.name]: id } })));
  }
  for (const p of operation.query) {
    // A lone surrogate cannot cross a URL: its WTF-8 bytes are invalid UTF-8, which the server decodes as
    // U+FFFD — valid text. So a query value built to break the contract must be well-formed to do so.
    const bad = invalidValue(p.schema, resolve, 0, true)?.filter((value) => stringify(value).isWellFormed());
    if (bad)
      mustReject.push(
        bad.map((value) => ({
          what: `invalid query ${p.name}`,
          mustReject: true,
          query: { [p.name]: stringify(value) },
        })),
      );
    if (p.name === 'cursor')
      edge.push(badCursors.map((cursor) => ({ what: 'bad cursor', mustReject: false, query: { cursor } })));
    edge.push(
      hostileText.map((text) => ({ what: `hostile query ${p.name}`, mustReject: false, query: { [p.name]: text } })),
    );
  }
  if (operation.body) {
    const bad = invalidValue(operation.body, resolve);
    if (bad)
      mustReject.push(bad.map((value) => ({ what: 'invalid body', mustReject: true, body: JSON.stringify(value) })));
    mustReject.push(
      fc.constantFrom(...MALFORMED_BODIES).map((body) => ({ what: 'malformed JSON', mustReject: true, body })),
      fc
        .tuple(fc.constantFrom(1_000, 20_000, 100_000), fc.constantFrom<'array' | 'object'>('array', 'object'))
        .map(([depth, kind]) => ({ what: `JSON ${depth} deep`, mustReject: true, body: deepJson(depth, kind) })),
      fc.constant({ what: 'oversized body', mustReject: true, body: `{"text":"${'a'.repeat(2_000_000)}"}` }),
      fc
        .constantFrom(...CONTENT_TYPES)
        .map((type) => ({ what: `content-type ${type}`, mustReject: true, headers: { 'content-type': type } })),
    );
    edge.push(
      validBody.map((body) => ({ what: 'hostile body', mustReject: false, ...(body === undefined ? {} : { body }) })),
    );
  }
  if (!context.anonymous(operation)) {
    mustReject.push(
      fc
        .constantFrom(...FORGED_AUTH)
        .map((authorization) => ({ what: 'forged token', mustReject: true, headers: { authorization } })),
    );
  }
  edge.push(
    fc
      .tuple(fc.constantFrom('unknown', 'limit', 'cursor', 'q', '__proto__'), fc.oneof(hostileText, longText))
      .map(([name, value]) => ({ what: `extra query ${name}`, mustReject: false, query: { [name]: value } })),
    fc
      .tuple(
        fc.constantFrom('idempotency-key', 'x-request-id', 'traceparent', 'accept', 'if-none-match', 'x-forwarded-for'),
        fc.oneof(
          fc.constantFrom('', ' ', 'ÿ', '\t', 'application/xml', '00-zz-zz-01', '1.2.3.4, 5.6.7.8'),
          fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
          longText.map((s) => s.replace(/[^\x20-\x7e]/g, 'a').slice(0, 9_000)),
        ),
      )
      .map(([name, value]) => ({ what: `header ${name}`, mustReject: false, headers: { [name]: value } })),
  );

  const build = (parts: Parts, query: Record<string, string>, body: string | undefined): FuzzCase => {
    const headers: Record<string, string> = { authorization: `Bearer ${context.tokenFor(operation)}` };
    const finalBody = parts.body ?? body;
    if (finalBody !== undefined) headers['content-type'] = 'application/json';
    Object.assign(headers, parts.headers);
    if (headers.authorization === '') delete headers.authorization;
    return {
      mustReject: parts.mustReject,
      what: parts.what,
      method: operation.method,
      url: urlOf(operation, { ...validPath, ...parts.path }, { ...query, ...parts.query }),
      headers,
      ...(finalBody === undefined ? {} : { body: finalBody }),
    };
  };
  const arbitrary = (parts: fc.Arbitrary<Parts>[]) =>
    fc.tuple(fc.oneof(...parts), validQuery, validBody).map(([p, q, b]) => build(p, q, b));
  return mustReject.length > 0 ? fc.oneof(arbitrary(mustReject), arbitrary(edge)) : arbitrary(edge);
}

/** `runs` cases for the operation, split between the refused and the edge kinds, reproducible by `seed`. */
export function sampleCases(operation: Operation, context: FuzzContext, runs: number, seed: number): FuzzCase[] {
  return fc.sample(casesFor(operation, context), { numRuns: runs, seed });
}
