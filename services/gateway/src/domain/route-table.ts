// The gateway's route table: data, not code. Each entry maps a public path pattern to an upstream
// service and says whether the gateway itself demands a valid access token before forwarding. Later
// issues add rows (`/api/v1/users/:id/posts` → post), so matching is "most specific wins", the way a
// reader expects: `/api/v1/auth/password` (token required) overrides `/api/v1/auth/*` (anonymous).
//
// GET /api/v1/feed, /api/v1/search/posts and /api/v1/posts/:id/similar are not rows: the gateway
// composes them itself (src/routes/feed-routes.ts, search-routes.ts).
//
// Pattern syntax: `/`-separated segments; a literal segment matches itself, `:name` matches any one
// segment, and a final `*` matches zero or more remaining segments.

/** What the gateway asks of the caller before forwarding. The upstream verifies the token again. */
export type TokenRequirement = 'required' | 'optional';

export interface RouteEntry {
  pattern: string;
  /** Name of the upstream, a key of the configured upstream base URLs (`auth`, `user`, ...). */
  upstream: string;
  token: TokenRequirement;
  /**
   * A Server-Sent Events stream (GET): the answer is streamed as it comes, with no timeout on the
   * body, and, because EventSource cannot send headers, the access token may come as `?access_token=`.
   */
  stream?: boolean;
}

export interface RouteMatch {
  entry: RouteEntry;
  /** Values of the `:name` segments. */
  params: Record<string, string>;
}

export const DEFAULT_ROUTE_TABLE: readonly RouteEntry[] = [
  { pattern: '/api/v1/auth/*', upstream: 'auth', token: 'optional' },
  // Changing a password acts on behalf of a signed-in user.
  { pattern: '/api/v1/auth/password', upstream: 'auth', token: 'required' },
  { pattern: '/.well-known/jwks.json', upstream: 'auth', token: 'optional' },
  { pattern: '/api/v1/users/*', upstream: 'user', token: 'required' },
  // A user's timeline is served by the post service: more specific than /api/v1/users/*, so it wins.
  { pattern: '/api/v1/users/:id/posts', upstream: 'post', token: 'required' },
  { pattern: '/api/v1/posts/*', upstream: 'post', token: 'required' },
  { pattern: '/api/v1/media/*', upstream: 'media', token: 'required' },
  { pattern: '/api/v1/search/users', upstream: 'user', token: 'required' },
  // `*` matches zero segments too, so this row also serves /api/v1/notifications itself.
  { pattern: '/api/v1/notifications/*', upstream: 'notification', token: 'required' },
  { pattern: '/api/v1/notifications/stream', upstream: 'notification', token: 'required', stream: true },
  // No /files row: presigned uploads and downloads go straight to the object store (MinIO, S3, or the
  // embedded store's routes on the media service), never through the API — image bytes do not pass here.
];

interface CompiledEntry {
  entry: RouteEntry;
  segments: string[];
  wildcard: boolean;
}

function segmentsOf(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

function compile(entry: RouteEntry): CompiledEntry {
  if (!entry.pattern.startsWith('/')) throw new RangeError(`route pattern must start with "/": ${entry.pattern}`);
  // Internal routes (service-to-service, e.g. the user service's /internal/users) are never public.
  if (segmentsOf(entry.pattern)[0] === 'internal') {
    throw new RangeError(`internal paths are never routed by the gateway: ${entry.pattern}`);
  }
  const segments = segmentsOf(entry.pattern);
  const wildcard = segments.at(-1) === '*';
  if (wildcard) segments.pop();
  if (segments.includes('*')) throw new RangeError(`"*" may only end a pattern: ${entry.pattern}`);
  return { entry, segments, wildcard };
}

/**
 * Orders entries from most to least specific: more fixed segments first; at the first position where
 * two patterns differ, a literal beats a `:param`; an exact pattern beats a `*` of the same length.
 */
function bySpecificity(a: CompiledEntry, b: CompiledEntry): number {
  if (a.segments.length !== b.segments.length) return b.segments.length - a.segments.length;
  for (let i = 0; i < a.segments.length; i += 1) {
    const aParam = (a.segments[i] as string).startsWith(':');
    const bParam = (b.segments[i] as string).startsWith(':');
    if (aParam !== bParam) return aParam ? 1 : -1;
  }
  if (a.wildcard !== b.wildcard) return a.wildcard ? 1 : -1;
  return 0;
}

function matchEntry(compiled: CompiledEntry, segments: string[]): Record<string, string> | undefined {
  if (segments.length < compiled.segments.length) return undefined;
  if (!compiled.wildcard && segments.length !== compiled.segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < compiled.segments.length; i += 1) {
    const expected = compiled.segments[i] as string;
    const actual = segments[i] as string;
    if (expected.startsWith(':')) params[expected.slice(1)] = actual;
    else if (expected !== actual) return undefined;
  }
  return params;
}

export interface RouteTable {
  /** The entry for a request path (without query string), or undefined when nothing is routed there. */
  match(path: string): RouteMatch | undefined;
  readonly entries: readonly RouteEntry[];
}

/** Validates and compiles the table once; throws RangeError on a malformed or internal pattern. */
export function createRouteTable(entries: readonly RouteEntry[]): RouteTable {
  const compiled = entries.map(compile).sort(bySpecificity);
  // Two patterns that differ only in parameter names would match exactly the same paths.
  const shapes = new Set<string>();
  for (const { entry, segments, wildcard } of compiled) {
    const shape =
      segments.map((segment) => (segment.startsWith(':') ? ':' : segment)).join('/') + (wildcard ? '/*' : '');
    if (shapes.has(shape)) throw new RangeError(`duplicate route pattern: ${entry.pattern}`);
    shapes.add(shape);
  }
  return {
    entries,
    match(path) {
      const segments = segmentsOf(path);
      for (const candidate of compiled) {
        const params = matchEntry(candidate, segments);
        if (params) return { entry: candidate.entry, params };
      }
      return undefined;
    },
  };
}
