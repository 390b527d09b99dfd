// Merging the services' OpenAPI 3.1 documents into the one public document. Only operations the route
// table actually exposes are kept (a service's /internal routes, or a path the table sends to another
// upstream, are dropped). Component schemas are merged by name; identical ones (the shared `Problem`)
// are kept once, and a clash between different schemas is resolved by renaming the later one
// `<upstream>.<Name>` and rewriting that document's `$ref`s, so no service silently redefines another's.
import { isDeepStrictEqual } from 'node:util';
import { type OpenApiObject, SECURITY_SCHEMES } from '@scalegram/kit/openapi-responses';
import { addEdgeContract, samplePath } from './openapi-edge.ts';
import type { RouteTable } from './route-table.ts';

export interface OpenApiDocument {
  openapi?: string;
  info?: { title?: string; version?: string; description?: string; [key: string]: unknown };
  paths?: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown> | undefined>;
  [key: string]: unknown;
}

export interface UpstreamDocument {
  upstream: string;
  document: OpenApiDocument;
}

export interface MergeOptions {
  title: string;
  version: string;
  description: string;
  routes: RouteTable;
  documents: readonly UpstreamDocument[];
  /** Upstreams with no document at all (never reachable since start-up): named in info.description. */
  missing: readonly string[];
  /**
   * The gateway's own document (its composed routes, e.g. GET /api/v1/feed). Its /api paths are
   * kept, and win over a service's operation at the same path.
   */
  own?: OpenApiDocument;
}

function rewriteRefs(value: unknown, renames: Map<string, string>): unknown {
  if (Array.isArray(value)) return value.map((item) => rewriteRefs(item, renames));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    out[key] =
      key === '$ref' && typeof child === 'string' ? (renames.get(child) ?? child) : rewriteRefs(child, renames);
  }
  return out;
}

export function mergeOpenApiDocuments(options: MergeOptions): OpenApiDocument {
  const paths: Record<string, Record<string, unknown>> = {};
  const components: Record<string, Record<string, unknown>> = {
    securitySchemes: { ...SECURITY_SCHEMES },
  };

  const ownPaths = new Set(Object.keys(options.own?.paths ?? {}).filter((path) => path.startsWith('/api/')));
  const documents: { upstream: string; document: OpenApiDocument; owned?: boolean }[] = [
    ...(options.own ? [{ upstream: 'gateway', document: options.own, owned: true }] : []),
    ...options.documents,
  ];
  for (const { upstream, document, owned } of documents) {
    // Decide component names first, so references can be rewritten before paths are copied.
    const renames = new Map<string, string>();
    const incoming: [section: string, name: string, schema: unknown][] = [];
    for (const [section, entries] of Object.entries(document.components ?? {})) {
      if (section === 'securitySchemes') continue;
      for (const [name, schema] of Object.entries(entries ?? {})) {
        const existing = components[section]?.[name];
        if (existing !== undefined && !isDeepStrictEqual(existing, schema)) {
          renames.set(`#/components/${section}/${name}`, `#/components/${section}/${upstream}.${name}`);
          incoming.push([section, `${upstream}.${name}`, schema]);
        } else {
          incoming.push([section, name, schema]);
        }
      }
    }
    for (const [section, name, schema] of incoming) {
      components[section] ??= {};
      (components[section] as Record<string, unknown>)[name] = rewriteRefs(schema, renames);
    }
    for (const [path, operations] of Object.entries(document.paths ?? {})) {
      if (owned ? !ownPaths.has(path) : ownPaths.has(path)) continue;
      if (!owned && options.routes.match(samplePath(path))?.entry.upstream !== upstream) continue;
      paths[path] = rewriteRefs(operations, renames) as Record<string, unknown>;
    }
  }

  const notes = options.missing.length
    ? `\n\nNot included (their service did not answer): ${[...options.missing].sort().join(', ')}.`
    : '';
  const document: OpenApiDocument = {
    openapi: '3.1.0',
    info: {
      title: options.title,
      version: options.version,
      description: options.description + notes,
      contact: { name: 'Scalegram', url: 'https://scalegram.dev' },
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
    },
    servers: [{ url: '/', description: 'The gateway that serves this document' }],
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components,
  };
  return addEdgeContract(document as OpenApiObject, options.routes) as OpenApiDocument;
}
