// The operations of an OpenAPI 3.1 document as the fuzz suite needs them: method, path template, its
// parameters by location, and the JSON body schema; `$ref`s into components resolved on the way.
import type { JsonSchema, Resolve } from './schema-arbitraries.ts';

export interface OpenApiDocument {
  paths: Record<string, Record<string, OperationObject>>;
  components?: { schemas?: Record<string, JsonSchema>; parameters?: Record<string, ParameterObject> };
}

interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
  $ref?: string;
}

interface OperationObject {
  security?: Record<string, string[]>[];
  parameters?: ParameterObject[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }>; $ref?: string };
}

export interface Parameter {
  name: string;
  required: boolean;
  schema: JsonSchema;
}

export interface Operation {
  method: string;
  /** The path template, e.g. /api/v1/posts/{id}. */
  path: string;
  pathParams: Parameter[];
  query: Parameter[];
  headers: Parameter[];
  body: JsonSchema | undefined;
  /** The document declares the operation open to anonymous callers (`security: []`); undefined if silent. */
  anonymous: boolean | undefined;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

export function resolver(document: OpenApiDocument): Resolve {
  return function resolve(schema: JsonSchema): JsonSchema {
    if (schema.$ref === undefined) return schema;
    const name = schema.$ref.replace(/^#\/components\/schemas\//, '');
    const target = document.components?.schemas?.[name];
    return target ? resolve(target) : {};
  };
}

function parameter(document: OpenApiDocument, raw: ParameterObject): ParameterObject {
  if (raw.$ref === undefined) return raw;
  return document.components?.parameters?.[raw.$ref.replace(/^#\/components\/parameters\//, '')] ?? raw;
}

/** Every operation of the document, except the document and its UI themselves. */
export function operationsOf(document: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    if (path.startsWith('/docs') || path === '/openapi.json') continue;
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const parameters = (operation.parameters ?? []).map((raw) => parameter(document, raw));
      const of = (where: ParameterObject['in']) =>
        parameters
          .filter((p) => p.in === where)
          .map((p) => ({ name: p.name, required: p.required === true || where === 'path', schema: p.schema ?? {} }));
      // Path parameters the document forgot to declare still need a value.
      const declared = new Set(of('path').map((p) => p.name));
      const implicit = [...path.matchAll(/\{([^}]+)\}/g)]
        .map((match) => match[1] as string)
        .filter((name) => !declared.has(name))
        .map((name) => ({ name, required: true, schema: { type: 'string' } }));
      operations.push({
        method: method.toUpperCase(),
        path,
        pathParams: [...of('path'), ...implicit],
        query: of('query'),
        headers: of('header'),
        body: operation.requestBody?.content?.['application/json']?.schema,
        anonymous: operation.security === undefined ? undefined : operation.security.length === 0,
      });
    }
  }
  return operations;
}
