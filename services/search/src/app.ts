// Builds the search service's Fastify app from adapters created elsewhere (service.ts, tests, or the
// embedded all-in-one runner): no I/O here, and nothing is opened that this file would have to close.
import type { AccessTokenVerifier } from '@scalegram/kit/access-token';
import { type App, type AppOptions, createApp } from '@scalegram/kit/app';
import { authenticationPlugin } from '@scalegram/kit/authentication';
import type { LogLevel } from '@scalegram/kit/logging';
import { searchRoutes } from './routes/search-routes.ts';
import type { SearchContext } from './search-context.ts';

export const SERVICE_NAME = 'search';
export const SERVICE_VERSION = '0.1.0';

// Both routes are GETs; nothing bigger than a small JSON body is ever expected.
export const SEARCH_BODY_LIMIT = 16 * 1024;

export interface SearchAppDeps {
  context: SearchContext;
  /** Verifies user access tokens (audience `scalegram`). */
  userVerifier: AccessTokenVerifier;
  logLevel?: LogLevel;
  logDestination?: AppOptions['logDestination'];
}

async function liveAliasExists(context: SearchContext): Promise<void> {
  if ((await context.index.resolveAlias(context.names.live)) === undefined) {
    throw new Error(`alias ${context.names.live} does not exist`);
  }
}

export function buildSearchApp(deps: SearchAppDeps): App {
  const { context } = deps;
  const app = createApp({
    name: SERVICE_NAME,
    version: SERVICE_VERSION,
    ...(deps.logLevel === undefined ? {} : { logLevel: deps.logLevel }),
    ...(deps.logDestination === undefined ? {} : { logDestination: deps.logDestination }),
    bodyLimit: SEARCH_BODY_LIMIT,
    openapi: { title: 'Scalegram search service' },
    // The index must answer and the live alias must exist (one cheap round trip). The embedder is not
    // probed: a search fails fast with 503 when it is down, and other replicas are no better off.
    readinessChecks: [{ name: 'vector-index', check: () => liveAliasExists(context) }],
  });
  app.register(authenticationPlugin, { verifier: deps.userVerifier });
  app.register(searchRoutes, { prefix: '/api/v1', context });
  return app;
}
