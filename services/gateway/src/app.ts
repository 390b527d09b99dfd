// Builds the gateway from injected dependencies; no I/O at import time (server.ts opens the store and
// creates the verifier). Order matters, because Fastify runs onRequest hooks in registration order:
// security headers → token verification (sets request.identity) → rate limit (keyed by that identity)
// → the forwarding route (which demands a token where the table says so).

import { HydratedFeedPage, HydratedPost } from '@scalegram/contracts/feed';
import { Media } from '@scalegram/contracts/media';
import { Post } from '@scalegram/contracts/posts';
import { HydratedSearchHit, HydratedSearchResults } from '@scalegram/contracts/search';
import { UserSummary } from '@scalegram/contracts/users';
import type { AccessTokenVerifier } from '@scalegram/kit/access-token';
import { type App, type AppOptions, createApp } from '@scalegram/kit/app';
import { authenticationPlugin } from '@scalegram/kit/authentication';
import type { LogLevel } from '@scalegram/kit/logging';
import type { MetricsEndpoint } from '@scalegram/kit/metrics';
import type { KeyValueStore } from '@scalegram/kv/port';
import type { FastifyRequest } from 'fastify';
import { createOpenApiAggregator } from './docs/openapi-aggregator.ts';
import type { OpenApiDocument } from './domain/openapi-merge.ts';
import { createRouteTable, DEFAULT_ROUTE_TABLE, type RouteEntry } from './domain/route-table.ts';
import { edgeSecurityPlugin } from './plugins/edge-security.ts';
import { queryTokenPlugin } from './plugins/query-token.ts';
import { rateLimitPlugin } from './plugins/rate-limit.ts';
import { docsRoutes } from './routes/docs.ts';
import { feedRoutes } from './routes/feed-routes.ts';
import { homeRoutes } from './routes/home.ts';
import { proxyRoutes } from './routes/proxy.ts';
import { searchRoutes } from './routes/search-routes.ts';
import { createEventStreamProxy } from './streaming/event-stream-proxy.ts';
import { createUpstreamClients, type UpstreamPolicy, type UpstreamSettings } from './upstreams.ts';

export const GATEWAY_VERSION = '0.1.0';

export interface GatewayRateLimitSettings {
  enabled: boolean;
  limit: number;
  windowMs: number;
  failOpen: boolean;
}

export interface GatewayDeps {
  kv: KeyValueStore;
  verifier: AccessTokenVerifier;
  upstreams: readonly UpstreamSettings[];
  /** Defaults to DEFAULT_ROUTE_TABLE; every upstream it names must be in `upstreams`. */
  routes?: readonly RouteEntry[];
  rateLimit: GatewayRateLimitSettings;
  breaker: UpstreamPolicy;
  /** Fastify trustProxy: false, a hop count, or the trusted proxies' addresses/CIDRs (never `true`). */
  trustProxy: false | number | string[];
  corsOrigins: readonly string[];
  bodyLimit: number;
  openApiRefreshMs: number;
  /**
   * Where Prometheus scrapes the gateway: a listener of its own (METRICS_PORT), never the public port,
   * since the Ingress forwards every path of that one; default: no metrics endpoint.
   */
  metrics?: MetricsEndpoint;
  logLevel?: LogLevel;
  logDestination?: AppOptions['logDestination'];
}

// Probes come from inside the cluster every few seconds; the home page and Swagger UI's page, assets
// and document are static (the document is rebuilt at most every OPENAPI_REFRESH_MS). A browser fetches
// a dozen of them per visit, and none of them may spend the caller's API budget.
const EXEMPT_PATHS: ReadonlySet<string> = new Set(['/', '/healthz', '/readyz', '/docs']);

/** Requests the rate limit never counts: the paths above, and CORS preflights (answered here, not upstream). */
function exemptFromRateLimit(request: FastifyRequest, path: string): boolean {
  return request.method === 'OPTIONS' || EXEMPT_PATHS.has(path) || path.startsWith('/docs/');
}

export function buildGatewayApp(deps: GatewayDeps): App {
  const configured = new Set(deps.upstreams.map((upstream) => upstream.name));
  // The default table serves what is deployed: rows for an upstream that is not configured (say, the
  // post service in a deployment without it) are left out and answer 404. An explicit table must
  // name only configured upstreams.
  const routes = createRouteTable(deps.routes ?? DEFAULT_ROUTE_TABLE.filter((entry) => configured.has(entry.upstream)));
  const unknown = routes.entries.filter((entry) => !configured.has(entry.upstream)).map((entry) => entry.upstream);
  if (unknown.length > 0) throw new RangeError(`route table names unconfigured upstreams: ${unknown.join(', ')}`);

  const { rateLimit } = deps;
  const app = createApp({
    name: 'gateway',
    version: GATEWAY_VERSION,
    ...(deps.logLevel ? { logLevel: deps.logLevel } : {}),
    ...(deps.logDestination ? { logDestination: deps.logDestination } : {}),
    bodyLimit: deps.bodyLimit,
    trustProxy: deps.trustProxy,
    metrics: deps.metrics ?? 'none',
    openapi: { title: 'Scalegram gateway' },
    // Upstream reachability is deliberately not a readiness check (ADR 0019). The store is one only
    // when the gateway cannot serve without it (rate limiting on and failing closed, ADR 0020).
    readinessChecks: rateLimit.enabled && !rateLimit.failOpen ? [{ name: 'kv', check: () => deps.kv.ping() }] : [],
  });
  // The public API is JSON only. Fastify also parses text/plain by default; the service client would
  // re-encode such a body as a JSON string, so refuse it with 415 instead.
  app.removeContentTypeParser('text/plain');
  // The composed routes' shapes (contracts), referenced by name from their schemas and the document.
  for (const schema of [
    Post,
    UserSummary,
    Media,
    HydratedPost,
    HydratedFeedPage,
    HydratedSearchHit,
    HydratedSearchResults,
  ]) {
    app.addSchema(schema);
  }

  app.register(edgeSecurityPlugin, { corsOrigins: deps.corsOrigins });
  // Before verification: `?access_token=` becomes the Authorization header on stream rows only.
  app.register(queryTokenPlugin, { routes });
  app.register(authenticationPlugin, { verifier: deps.verifier });
  if (rateLimit.enabled) {
    app.register(rateLimitPlugin, {
      kv: deps.kv,
      policy: { name: 'default', limit: rateLimit.limit, windowMs: rateLimit.windowMs },
      failOpen: rateLimit.failOpen,
      exempt: exemptFromRateLimit,
      // Rows that need no token (login, registration, refresh, the key set) are the anonymous routes.
      anonymous: (path) => routes.match(path)?.entry.token === 'optional',
    });
  }

  app.register(async (scope) => {
    const clients = createUpstreamClients(deps.upstreams, deps.breaker, {
      logger: app.log,
      metrics: app.metrics.registry,
    });
    const aggregator = createOpenApiAggregator({
      clients,
      routes,
      title: 'Scalegram API',
      version: GATEWAY_VERSION,
      description:
        'The public API of Scalegram, merged from the services behind the gateway.\n\n' +
        'Authenticate with `Authorization: Bearer <accessToken>`: log in with POST /api/v1/auth/login ' +
        '(demo accounts `user_0` … `user_961`, password `scalegram-demo`), then paste the `accessToken` ' +
        'into Authorize. Every operation is rate-limited per user (per address when anonymous), 50 ' +
        'requests a minute by default: each answer carries `RateLimit` and `RateLimit-Policy`, and a 429 ' +
        'carries `Retry-After`. Every error is `application/problem+json` (RFC 9457).',
      refreshMs: deps.openApiRefreshMs,
      logger: app.log,
      own: () => app.swagger() as OpenApiDocument,
    });
    const streams = createEventStreamProxy({
      headersTimeoutMs: Math.max(...deps.upstreams.map((upstream) => upstream.timeoutMs)),
      metrics: app.metrics.registry,
    });
    scope.addHook('onReady', async () => aggregator.start());
    // Open event streams would hold the server's close until the shutdown deadline: end them first.
    scope.addHook('preClose', async () => streams.endAll());
    scope.addHook('onClose', async () => {
      aggregator.stop();
      await Promise.all([...clients.values()].map((client) => client.close()));
      await streams.close();
    });
    await scope.register(docsRoutes, { aggregator });
    // The page a browser gets at `/`; the web client, once it exists, replaces this one line.
    await scope.register(homeRoutes);
    // Composed routes (backend-for-frontend), each where the upstreams it needs are configured. They are
    // Fastify routes of their own, so they win over the forwarding route's catch-all.
    const [post, user] = [clients.get('post'), clients.get('user')];
    const feed = clients.get('feed');
    const search = clients.get('search');
    if (post && user) {
      const hydration = { post, user, media: clients.get('media') };
      if (feed) await scope.register(feedRoutes, { feed, hydration });
      if (search) await scope.register(searchRoutes, { search, hydration });
    }
    await scope.register(proxyRoutes, { routes, clients, streams });
  });
  return app;
}
