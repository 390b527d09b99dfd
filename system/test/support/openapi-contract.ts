// Checks live answers against the public OpenAPI document (the gateway's /docs/json): the operation
// exists, the status is declared, the content type is one the status declares, every declared header
// that is present matches its schema and every required one is present, and the body matches the
// schema of its media type. Schemas are JSON Schema 2020-12 (OpenAPI 3.1), validated with Ajv's 2020
// dialect and ajv-formats. Unknown headers are allowed: the document lists the ones a client can use.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

type Json = Record<string, unknown>;

interface Operation {
  responses?: Record<string, Json>;
}

export interface LiveAnswer {
  method: string;
  /** The request path, with or without a query string. */
  url: string;
  status: number;
  headers: Headers;
  /** The raw body text. */
  body: string;
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']);

/** Deep copy of a document part with `#/components/<section>/X` refs pointing into `$defs`. */
function toDefsRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toDefsRefs);
  if (typeof value !== 'object' || value === null) return value;
  const out: Json = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === '$id') continue;
    if (key === '$ref' && typeof child === 'string') {
      out[key] = child.replace(/^#\/components\/schemas\//, '#/$defs/');
    } else {
      out[key] = toDefsRefs(child);
    }
  }
  return out;
}

function segmentsOf(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

export class OpenApiContract {
  readonly #document: Json;
  readonly #ajv: Ajv2020;
  readonly #defs: unknown;
  readonly #compiled = new Map<unknown, ValidateFunction>();
  readonly #templates: { template: string; segments: string[] }[];
  /** How many answers were checked, for the journeys to report. */
  checked = 0;

  constructor(document: Json) {
    this.#document = document;
    this.#ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(this.#ajv);
    const components = (document.components ?? {}) as Record<string, Json>;
    this.#defs = toDefsRefs(components.schemas ?? {});
    // Most literal segments first, so /users/me wins over /users/{id}.
    this.#templates = Object.keys((document.paths ?? {}) as Json)
      .map((template) => ({ template, segments: segmentsOf(template) }))
      .sort(
        (a, b) =>
          b.segments.filter((segment) => !segment.startsWith('{')).length -
          a.segments.filter((segment) => !segment.startsWith('{')).length,
      );
  }

  #operation(method: string, path: string): { template: string; operation: Operation } | undefined {
    const segments = segmentsOf(path).map((segment) => decodeURIComponent(segment));
    const verb = method.toLowerCase() === 'head' ? 'get' : method.toLowerCase();
    for (const { template, segments: pattern } of this.#templates) {
      if (pattern.length !== segments.length) continue;
      if (!pattern.every((part, i) => part.startsWith('{') || part === segments[i])) continue;
      const item = (this.#document.paths as Record<string, Json>)[template] as Json;
      if (METHODS.has(verb) && item[verb]) return { template, operation: item[verb] as Operation };
    }
    return undefined;
  }

  #resolve<T>(value: T | { $ref: string }): T {
    if (typeof value === 'object' && value !== null && '$ref' in value && typeof value.$ref === 'string') {
      const target = value.$ref
        .replace(/^#\//, '')
        .split('/')
        .reduce<unknown>(
          (node, key) => (node as Json | undefined)?.[key.replace(/~1/g, '/').replace(/~0/g, '~')],
          this.#document,
        );
      return this.#resolve(target as T);
    }
    return value as T;
  }

  #validator(schema: unknown): ValidateFunction {
    let validate = this.#compiled.get(schema);
    if (!validate) {
      validate = this.#ajv.compile({ ...(toDefsRefs(schema) as Json), $defs: this.#defs });
      this.#compiled.set(schema, validate);
    }
    return validate;
  }

  #errors(validate: ValidateFunction): string {
    return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message}`).join('; ');
  }

  /** Every way the answer departs from the document; empty when it conforms. */
  violations(answer: LiveAnswer): string[] {
    this.checked += 1;
    const path = answer.url.split('?', 1)[0] as string;
    const found = this.#operation(answer.method, path);
    if (!found) return [`${answer.method} ${path} is not an operation of the document`];
    const where = `${answer.method} ${found.template} → ${answer.status}`;
    const responses = found.operation.responses ?? {};
    const declared =
      responses[String(answer.status)] ?? responses[`${String(answer.status)[0]}XX`] ?? responses.default;
    if (!declared) return [`${where}: status not declared (declared: ${Object.keys(responses).join(', ')})`];
    const response = this.#resolve(declared) as Json;
    const problems: string[] = [];

    for (const [name, raw] of Object.entries((response.headers ?? {}) as Record<string, Json>)) {
      const header = this.#resolve(raw) as { required?: boolean; schema?: Json };
      const value = answer.headers.get(name);
      if (value === null) {
        if (header.required) problems.push(`${where}: required header ${name} is missing`);
        continue;
      }
      if (!header.schema) continue;
      const type = (header.schema as { type?: string }).type;
      const typed = type === 'integer' || type === 'number' ? Number(value) : value;
      const validate = this.#validator(header.schema);
      if (!validate(typed))
        problems.push(`${where}: header ${name}: ${JSON.stringify(value)} ${this.#errors(validate)}`);
    }

    const content = (response.content ?? {}) as Record<string, { schema?: unknown }>;
    const mediaType = (answer.headers.get('content-type') ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
    if (Object.keys(content).length === 0) {
      if (answer.body !== '') problems.push(`${where}: declares no body, got ${mediaType || 'one'}`);
      return problems;
    }
    if (answer.method.toUpperCase() === 'HEAD') return problems;
    const media = content[mediaType];
    if (!media) {
      problems.push(
        `${where}: content type ${mediaType || '(none)'} not declared (${Object.keys(content).join(', ')})`,
      );
      return problems;
    }
    if (media.schema === undefined || !/[/+]json$/.test(mediaType)) return problems;
    let body: unknown;
    try {
      body = JSON.parse(answer.body);
    } catch {
      problems.push(`${where}: body is not JSON`);
      return problems;
    }
    const validate = this.#validator(media.schema);
    if (!validate(body)) problems.push(`${where}: body ${this.#errors(validate)}`);
    return problems;
  }
}

const contracts = new Map<string, Promise<OpenApiContract>>();

/**
 * The contract of the gateway at `baseUrl`, fetched once. A document that names services it could not
 * reach yet (the system just started) is fetched again, for up to 20 s, so no path is missing.
 */
export function contractOf(baseUrl: string): Promise<OpenApiContract> {
  let contract = contracts.get(baseUrl);
  if (!contract) {
    contract = (async () => {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const response = await fetch(new URL('/docs/json', baseUrl), { signal: AbortSignal.timeout(20_000) });
        if (!response.ok) throw new Error(`GET /docs/json: ${response.status}`);
        const document = (await response.json()) as { info?: { description?: string } };
        const complete = !document.info?.description?.includes('Not included');
        if (complete || Date.now() > deadline) return new OpenApiContract(document as Json);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    })();
    contract.catch(() => contracts.delete(baseUrl));
    contracts.set(baseUrl, contract);
  }
  return contract;
}
