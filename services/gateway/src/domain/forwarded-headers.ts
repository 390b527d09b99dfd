// Which headers cross the gateway. Allow-lists in both directions, so hop-by-hop headers (Connection,
// Keep-Alive, Transfer-Encoding, TE, Upgrade, Proxy-*), cookies, and anything a client made up
// (`x-user-id: 1`, hoping some service trusts it) never reach the other side.
// x-request-id and traceparent are not copied here: the kit's service client sends the request's
// validated id and a child traceparent (same trace id, the gateway's span as parent).

/** Request headers forwarded to the upstream as they came. */
export const FORWARDED_REQUEST_HEADERS = [
  'authorization',
  'accept',
  'accept-language',
  'idempotency-key',
  'if-none-match',
  'if-match',
  'if-modified-since',
  // An EventSource reconnecting sends the id of the last event it saw, so the stream resumes there.
  'last-event-id',
  'tracestate',
] as const;

/** Response headers returned to the client as the upstream sent them. */
export const RETURNED_RESPONSE_HEADERS = [
  'content-type',
  'location',
  'etag',
  'last-modified',
  'cache-control',
  'vary',
  'content-language',
  'retry-after',
  'www-authenticate',
  // The post service's mark on a stored answer replayed for a repeated Idempotency-Key.
  'idempotent-replayed',
] as const;

/** Upstream rate-limit fields, merged into the gateway's own rather than overwriting them. */
export const UPSTREAM_RATE_LIMIT_HEADERS = ['ratelimit', 'ratelimit-policy'] as const;

type HeaderBag = Record<string, string | string[] | undefined>;

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * The headers to send upstream. `clientAddress` is the caller as the gateway determined it (Fastify's
 * `request.ip`, which honours trustProxy); it replaces any X-Forwarded-For the client sent, so an
 * upstream that trusts one hop (the gateway) sees the real client, and a forged chain goes nowhere.
 */
export function upstreamRequestHeaders(incoming: HeaderBag, clientAddress: string, protocol: string) {
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = firstValue(incoming[name]);
    // An empty Idempotency-Key goes on too: the service that honours the header refuses it (400); dropping
    // it here would turn a client's mistake into a request without the protection it asked for.
    if (value !== undefined && (value !== '' || name === 'idempotency-key')) headers[name] = value;
  }
  headers['x-forwarded-for'] = clientAddress;
  headers['x-forwarded-proto'] = protocol;
  return headers;
}

/** The subset of an upstream's response headers the client may see. */
export function clientResponseHeaders(upstream: HeaderBag): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of RETURNED_RESPONSE_HEADERS) {
    const value = firstValue(upstream[name]);
    if (value !== undefined) headers[name] = value;
  }
  return headers;
}
