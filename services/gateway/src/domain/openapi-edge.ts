// What the gateway itself adds to every public operation of the merged document, because the edge
// answers it whatever the service behind does:
// - `security` as the route table demands it (an operation whose row requires a token gets bearer
//   auth, and its 401), so Swagger UI's "Authorize" sends the token on every protected operation;
// - 429 with Retry-After, and the IETF RateLimit / RateLimit-Policy fields on every answer
//   (plugins/rate-limit.ts; absent when the limit is turned off);
// - 502 (the upstream failed), 503 (unreachable, circuit open, or overloaded; may carry Retry-After)
//   and 504 (the upstream timed out) on every operation, forwarded or composed;
// - `Location` on every 201 (each public operation that creates something names it; the journeys check
//   the header is there), and `Idempotent-Replayed` on the answers of an operation that takes an
//   `Idempotency-Key` (the gateway forwards both, domain/forwarded-headers.ts);
// - tag descriptions, licence and contact, and no component that nothing references.
import {
  addResponseHeader,
  BEARER_AUTH,
  ensureResponse,
  ensureUnauthorized,
  forEachOperation,
  NO_AUTH,
  type OpenApiObject,
  problemResponse,
  requiresCredential,
} from '@scalegram/kit/openapi-responses';
import type { RouteTable } from './route-table.ts';

export const EDGE_HEADERS = {
  RateLimit: {
    description:
      "What is left of the caller's budget: `r` requests for the next `t` seconds (IETF RateLimit fields); " +
      "a service's own policy (e.g. login throttling) may follow the gateway's.",
    schema: { type: 'string' },
    example: '"default";r=49;t=60',
  },
  'RateLimit-Policy': {
    description: 'The budget: `q` requests per window of `w` seconds, per user (per address when anonymous).',
    schema: { type: 'string' },
    example: '"default";q=50;w=60',
  },
  'Retry-After': {
    description: 'Seconds to wait before trying again.',
    required: true,
    schema: { type: 'integer', minimum: 0 },
    example: 30,
  },
  Location: {
    description: 'Where the created resource is read from.',
    required: true,
    schema: { type: 'string', format: 'uri-reference' },
    example: '/api/v1/posts/301989888000',
  },
  'Idempotent-Replayed': {
    description:
      'Present (`true`) when this is the stored answer to an earlier request with the same `Idempotency-Key`.',
    schema: { type: 'string', enum: ['true'] },
    example: 'true',
  },
} as const;

/** One line per tag of the public operations, in the order Swagger UI shows them. */
export const TAG_DESCRIPTIONS: Record<string, string> = {
  auth: 'Accounts and sessions: register, log in, refresh, log out, change the password; the token-verifying keys.',
  users: "Profiles, by id or username, and the caller's own.",
  follows: 'The follow graph: follow, unfollow, followers and following.',
  posts: "Posts: create, read, edit, delete, and a user's posts.",
  likes: 'Likes on posts.',
  comments: 'Comments on posts.',
  media: 'Image and video uploads (presigned, straight to the object store) and their processed variants.',
  feed: 'The home timeline, hydrated by the gateway.',
  search: 'Semantic post search, similar posts, and user search.',
  notifications: 'Notifications: the list, marking read, and the live Server-Sent Events stream.',
};

const header = (name: keyof typeof EDGE_HEADERS) => ({ $ref: `#/components/headers/${name}` });

/** `/api/v1/users/{id}/follow` → a concrete path the route table can match. */
export function samplePath(template: string): string {
  return template.replace(/\{[^}]+\}/g, '_');
}

function addEdgeAnswers(operation: OpenApiObject, tokenRequired: boolean): void {
  if (tokenRequired && !requiresCredential(operation)) operation.security = BEARER_AUTH;
  operation.security ??= NO_AUTH;
  if (requiresCredential(operation)) ensureUnauthorized(operation);
  ensureResponse(operation, 429, problemResponse(429, 'Over the rate limit; Retry-After says when to come back'));
  ensureResponse(operation, 502, problemResponse(502, 'The service behind the gateway failed'));
  ensureResponse(operation, 503, problemResponse(503, 'The service behind the gateway is unavailable now'));
  ensureResponse(operation, 504, problemResponse(504, 'The service behind the gateway did not answer in time'));
  const responses = operation.responses as Record<string, OpenApiObject>;
  addResponseHeader(responses['429'] as OpenApiObject, 'Retry-After', header('Retry-After'));
  // Optional on 503: sent when the cause knows when it ends (a throttle), not when a dependency is down.
  addResponseHeader(responses['503'] as OpenApiObject, 'Retry-After', {
    ...EDGE_HEADERS['Retry-After'],
    required: false,
  });
  if (responses['201']) addResponseHeader(responses['201'], 'Location', header('Location'));
  const idempotent = ((operation.parameters ?? []) as OpenApiObject[]).some(
    (parameter) => parameter.in === 'header' && String(parameter.name).toLowerCase() === 'idempotency-key',
  );
  for (const [status, response] of Object.entries(responses)) {
    // A replay repeats the first answer, whatever its success status.
    if (idempotent && status.startsWith('2'))
      addResponseHeader(response, 'Idempotent-Replayed', header('Idempotent-Replayed'));
    addResponseHeader(response, 'RateLimit', header('RateLimit'));
    addResponseHeader(response, 'RateLimit-Policy', header('RateLimit-Policy'));
  }
}

function collectRefs(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collectRefs(item, into);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string') into.add(child);
      else collectRefs(child, into);
    }
  }
}

/** Drops components that no path references, directly or through other components. */
function pruneComponents(document: OpenApiObject): void {
  const components = (document.components ?? {}) as Record<string, Record<string, unknown>>;
  const used = new Set<string>();
  collectRefs(document.paths, used);
  const pending = [...used];
  while (pending.length > 0) {
    const ref = pending.pop() as string;
    const [, , section, name] = ref.split('/');
    const target = section && name ? components[section]?.[name] : undefined;
    const found = new Set<string>();
    collectRefs(target, found);
    for (const next of found) {
      if (!used.has(next)) {
        used.add(next);
        pending.push(next);
      }
    }
  }
  for (const [section, entries] of Object.entries(components)) {
    if (section === 'securitySchemes') continue;
    for (const name of Object.keys(entries)) {
      if (!used.has(`#/components/${section}/${name}`)) delete entries[name];
    }
    if (Object.keys(entries).length === 0) delete components[section];
  }
}

/** Completes the merged document with the edge's answers; `routes` says which operations need a token. */
export function addEdgeContract(document: OpenApiObject, routes: RouteTable): OpenApiObject {
  const tags = new Set<string>();
  forEachOperation(document, (operation, path) => {
    addEdgeAnswers(operation, routes.match(samplePath(path))?.entry.token === 'required');
    for (const tag of (operation.tags as string[] | undefined) ?? []) tags.add(tag);
  });
  const components = (document.components ?? {}) as Record<string, Record<string, unknown>>;
  components.headers = { ...components.headers, ...EDGE_HEADERS };
  document.components = components;
  pruneComponents(document);
  const known = Object.keys(TAG_DESCRIPTIONS);
  document.tags = [...tags]
    .sort((a, b) => (known.indexOf(a) + 1 || known.length + 1) - (known.indexOf(b) + 1 || known.length + 1))
    .map((name) => ({ name, description: TAG_DESCRIPTIONS[name] ?? `Operations tagged ${name}.` }));
  return document;
}
