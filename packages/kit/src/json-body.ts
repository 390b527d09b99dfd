// JSON request bodies are bounded before anything walks them. The size bound is Fastify's `bodyLimit`
// (413); this adds a nesting bound (400 `json-too-deep`). V8's JSON.parse is iterative and happily
// builds 20,000 nested arrays, but everything after it is recursive — schema validation, a proxy's
// JSON.stringify, a logger's serializer — and overflows the stack: one anonymous request was a 500.
// The check is one linear scan of the raw text, done before JSON.parse (Fastify's own parser, with its
// prototype-poisoning protection, still does the parsing), so a deep body costs no more than a flat one.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { HttpProblem } from './http-problem.ts';

/** Nesting our bodies never come near (the deepest is 3), far below where recursion becomes a risk. */
export const DEFAULT_MAX_JSON_DEPTH = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * True when the JSON text nests arrays and objects deeper than `maxDepth`. Brackets inside strings do
 * not count. On text that is not JSON the answer is still defined (the parser then rejects it anyway).
 */
export function jsonDepthExceeds(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === BACKSLASH) index += 1;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) {
      inString = true;
    } else if (code === OPEN_BRACKET || code === OPEN_BRACE) {
      depth += 1;
      if (depth > maxDepth) return true;
    } else if (code === CLOSE_BRACKET || code === CLOSE_BRACE) {
      depth -= 1;
    }
  }
  return false;
}

export interface JsonBodyOptions {
  maxDepth: number;
}

/** Replaces Fastify's `application/json` parser with the same parser behind the depth bound. */
export const jsonBodyPlugin = fp<JsonBodyOptions>(
  async (app: FastifyInstance, options) => {
    const parse = app.getDefaultJsonParser(
      app.initialConfig.onProtoPoisoning ?? 'error',
      app.initialConfig.onConstructorPoisoning ?? 'error',
    );
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      if (jsonDepthExceeds(text, options.maxDepth)) {
        done(
          new HttpProblem(400, 'json-too-deep', 'Bad Request', {
            detail: `The JSON body nests arrays and objects more than ${options.maxDepth} levels deep.`,
          }),
          undefined,
        );
        return;
      }
      parse(request, text, done);
    });
  },
  { name: '@scalegram/kit/json-body', fastify: '5.x' },
);
