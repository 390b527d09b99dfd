// Request validation with TypeBox's compiler instead of Fastify's default Ajv settings; every app
// made by createApp uses it.
//
// Why: Fastify's default Ajv options include `removeAdditional: true` and `coerceTypes: 'array'`, so an
// unknown body field is silently dropped and `{"bio": 5}` becomes `{"bio": "5"}`. Our APIs promise a
// 400 for extra fields and wrong types. This compiler (the approach of @fastify/type-provider-typebox's
// TypeBoxValidatorCompiler) validates bodies exactly as declared and converts only querystring, params
// and headers, which arrive as strings; it also fills their defaults.
import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';

interface ValidationIssue {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message: string;
}

// TypeBox's conversion is lenient ("1.5" becomes the integer 1, "01" becomes 1). A number is accepted
// only when it is exactly what the client wrote.
function lossyConversions(input: unknown, converted: unknown): ValidationIssue[] {
  if (typeof input !== 'object' || input === null || typeof converted !== 'object' || converted === null) return [];
  const before = input as Record<string, unknown>;
  return Object.entries(converted as Record<string, unknown>)
    .filter(
      ([key, value]) => typeof value === 'number' && typeof before[key] === 'string' && String(value) !== before[key],
    )
    .map(([key]) => ({
      instancePath: `/${key}`,
      schemaPath: `#/properties/${key}`,
      keyword: 'type',
      params: {},
      message: 'must be a number written in canonical form',
    }));
}

export const strictValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const validator = Compile(schema);
  if (httpPart === 'body') {
    return (input: unknown) => (validator.Check(input) ? { value: input } : { error: validator.Errors(input) });
  }
  return (input: unknown) => {
    // Convert works in place; keep what the client sent for the comparison below.
    const original = typeof input === 'object' && input !== null ? { ...input } : input;
    const value = Value.Default(schema, Value.Convert(schema, input));
    if (!validator.Check(value)) return { error: validator.Errors(value) };
    const lossy = lossyConversions(original, value);
    return lossy.length === 0 ? { value } : { error: lossy };
  };
};
