// Builds the feed API's Fastify app from adapters created elsewhere (service.ts, tests, or the embedded
// all-in-one runner): no I/O here, and nothing is opened that this file would have to close.
import { FeedItem, FeedPage } from '@scalegram/contracts/feed';
import type { AccessTokenVerifier } from '@scalegram/kit/access-token';
import { type App, type AppOptions, createApp } from '@scalegram/kit/app';
import { authenticationPlugin } from '@scalegram/kit/authentication';
import type { LogLevel } from '@scalegram/kit/logging';
import type { KeyValueStore } from '@scalegram/kv/port';
import type { TimelineRegenerator } from './regeneration/timeline-regenerator.ts';
import { feedRoutes } from './routes/feed-routes.ts';

export const SERVICE_NAME = 'feed';
export const SERVICE_VERSION = '0.1.0';

export interface FeedAppDeps {
  kv: KeyValueStore;
  regenerator: TimelineRegenerator;
  /** Verifies user access tokens (audience `scalegram`). */
  userVerifier: AccessTokenVerifier;
  logLevel?: LogLevel;
  logDestination?: AppOptions['logDestination'];
}

export function buildFeedApp(deps: FeedAppDeps): App {
  const app = createApp({
    name: SERVICE_NAME,
    version: SERVICE_VERSION,
    ...(deps.logLevel === undefined ? {} : { logLevel: deps.logLevel }),
    ...(deps.logDestination === undefined ? {} : { logDestination: deps.logDestination }),
    openapi: { title: 'Scalegram feed service' },
    readinessChecks: [{ name: 'redis', check: () => deps.kv.ping() }],
  });
  app.addSchema(FeedItem);
  app.addSchema(FeedPage);
  app.register(authenticationPlugin, { verifier: deps.userVerifier });
  app.register(feedRoutes, { prefix: '/api/v1', kv: deps.kv, regenerator: deps.regenerator });
  return app;
}
