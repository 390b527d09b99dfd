// fast-check arbitraries derived from the JSON Schemas of the OpenAPI document: `validValue` makes values
// the schema accepts (with hostile text wherever a string fits), `invalidValue` makes values it must
// refuse — a wrong type, a missing required field, an unknown field where none is allowed, a string or an
// array past its bounds, a number outside its range or an enum it does not list.
import fc from 'fast-check';
import { anyJsonValue, hostileText, hugeNumbers, longText } from './hostile-values.ts';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  default?: unknown;
}

export type Resolve = (schema: JsonSchema) => JsonSchema;

function typesOf(schema: JsonSchema): string[] {
  if (schema.type === undefined) return schema.properties ? ['object'] : [];
  return Array.isArray(schema.type) ? schema.type : [schema.type];
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeAccepts(types: string[], value: unknown): boolean {
  const actual = jsonTypeOf(value);
  return types.includes(actual) || (actual === 'integer' && types.includes('number'));
}

function patternOf(schema: JsonSchema): RegExp | undefined {
  if (schema.pattern === undefined) return undefined;
  try {
    return new RegExp(schema.pattern, 'u');
  } catch {
    return undefined;
  }
}

function validString(schema: JsonSchema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = Math.max(min, Math.min(schema.maxLength ?? 64, 300));
  const pattern = patternOf(schema);
  if (pattern) return fc.stringMatching(pattern).filter((s) => s.length >= min && s.length <= max);
  if (schema.format === 'uri') return fc.webUrl();
  if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
  if (schema.format === 'email') return fc.emailAddress();
  const fit = (s: string) => (s.length < min ? s.padEnd(min, 'x') : s.slice(0, max));
  return fc.oneof(fc.string({ minLength: min, maxLength: max }), hostileText.map(fit), fc.constant('x'.repeat(max)));
}

export function validValue(schema: JsonSchema, resolve: Resolve, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const variants = s.anyOf ?? s.oneOf;
  if (variants && variants.length > 0) return fc.oneof(...variants.map((v) => validValue(v, resolve, depth + 1)));
  if (s.allOf && s.allOf.length > 0) return validValue(s.allOf[0] as JsonSchema, resolve, depth + 1);
  const types = typesOf(s);
  const options: fc.Arbitrary<unknown>[] = [];
  for (const type of types) {
    if (type === 'string') options.push(validString(s));
    if (type === 'integer' || type === 'number') {
      const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : -1_000_000);
      const max = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : 1_000_000);
      options.push(
        type === 'integer'
          ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) })
          : fc.double({ min, max, noNaN: true, noDefaultInfinity: true }),
      );
    }
    if (type === 'boolean') options.push(fc.boolean());
    if (type === 'null') options.push(fc.constant(null));
    if (type === 'array' && depth < 6) {
      const min = s.minItems ?? 0;
      options.push(
        fc.array(s.items ? validValue(s.items, resolve, depth + 1) : anyJsonValue, {
          minLength: min,
          maxLength: Math.max(min, Math.min(s.maxItems ?? 4, 4)),
        }),
      );
    }
    if (type === 'object' && depth < 6) options.push(validObject(s, resolve, depth));
  }
  return options.length > 0 ? fc.oneof(...options) : anyJsonValue;
}

function validObject(s: JsonSchema, resolve: Resolve, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = s.properties ?? {};
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, property] of Object.entries(properties)) shape[name] = validValue(property, resolve, depth + 1);
  return fc.record(shape, { requiredKeys: (s.required ?? []).filter((key) => key in properties) }) as fc.Arbitrary<
    Record<string, unknown>
  >;
}

/** Values the schema must refuse; undefined when the schema accepts anything. */
/**
 * `textual`: the value travels as text (a query or path parameter), where every wrong type reads as a
 * string: a string schema refuses only what its bounds, pattern or enum refuse.
 */
export function invalidValue(
  schema: JsonSchema,
  resolve: Resolve,
  depth = 0,
  textual = false,
): fc.Arbitrary<unknown> | undefined {
  const s = resolve(schema);
  const options: fc.Arbitrary<unknown>[] = [];
  const types = typesOf(s);
  if (types.length > 0 && !(textual && types.includes('string'))) {
    options.push(
      anyJsonValue.filter(
        (value) =>
          !typeAccepts(types, value) &&
          // As text, "1" is an integer and "true" a boolean: keep only what no conversion rescues.
          !(textual && typeof value === 'string' && /^-?\d+(\.\d+)?$|^(true|false)$/.test(value.trim())) &&
          !(textual && typeof value === 'number' && (types.includes('number') || Number.isInteger(value))),
      ),
    );
  }
  if (s.enum || s.const !== undefined) {
    const allowed = s.enum ?? [s.const];
    options.push(fc.oneof(hostileText, fc.constant('')).filter((value) => !allowed.includes(value)));
  }
  if (types.includes('string')) {
    if (s.maxLength !== undefined) options.push(longText.filter((text) => [...text].length > (s.maxLength as number)));
    if (s.minLength !== undefined && s.minLength > 0) options.push(fc.string({ maxLength: s.minLength - 1 }));
    const pattern = patternOf(s);
    if (pattern) options.push(fc.oneof(hostileText, fc.constant('')).filter((text) => !pattern.test(text)));
  }
  if (types.includes('integer') || types.includes('number')) {
    const outside = hugeNumbers.filter(
      (n) =>
        (s.minimum !== undefined && n < s.minimum) ||
        (s.maximum !== undefined && n > s.maximum) ||
        (types.includes('integer') && !types.includes('number') && !Number.isInteger(n)),
    );
    if (outside.length > 0) options.push(fc.constantFrom(...outside));
  }
  if (types.includes('array') && depth < 6) {
    if (s.maxItems !== undefined) {
      options.push(fc.array(anyJsonValue, { minLength: s.maxItems + 1, maxLength: s.maxItems + 3 }));
    }
    const badItem = s.items ? invalidValue(s.items, resolve, depth + 1) : undefined;
    if (badItem) options.push(fc.tuple(badItem).map((items) => items));
  }
  if (types.includes('object') && s.properties && depth < 6) {
    const mutation = invalidObject(s, resolve, depth);
    if (mutation) options.push(mutation);
  }
  return options.length > 0 ? fc.oneof(...options) : undefined;
}

function invalidObject(s: JsonSchema, resolve: Resolve, depth: number): fc.Arbitrary<unknown> | undefined {
  const properties = s.properties ?? {};
  const required = (s.required ?? []).filter((key) => key in properties);
  const base = validObject(s, resolve, depth);
  const mutations: fc.Arbitrary<unknown>[] = [];
  if (required.length > 0) {
    mutations.push(
      fc.tuple(base, fc.constantFrom(...required)).map(([value, key]) => {
        const copy = { ...value };
        delete copy[key];
        return copy;
      }),
    );
  }
  for (const [name, property] of Object.entries(properties)) {
    const bad = invalidValue(property, resolve, depth + 1);
    if (bad) mutations.push(fc.tuple(base, bad).map(([value, wrong]) => ({ ...value, [name]: wrong })));
  }
  if (s.additionalProperties === false) {
    mutations.push(
      fc
        .tuple(base, fc.constantFrom('unknownField', '__proto__x', 'ID', ' text'), anyJsonValue)
        .filter(([, key]) => !(key in properties))
        .map(([value, key, extra]) => ({ ...value, [key]: extra })),
    );
  }
  return mutations.length > 0 ? fc.oneof(...mutations) : undefined;
}
