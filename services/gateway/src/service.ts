// The gateway assembled from its configuration: the key-value store (Redis when REDIS_URL is set,
// memory otherwise), the token verifier against the auth service's JWKS, and the upstream clients.
// Returned not listening: server.ts runs it alone, the embedded runner beside the services.
import { createAccessTokenVerifier } from '@scalegram/kit/access-token';
import type { App } from '@scalegram/kit/app';
import { openKeyValueStore } from '@scalegram/kv/open-store';
import { buildGatewayApp } from './app.ts';
import { corsOrigins, type GatewayConfig, gatewayKeyPrefix, trustProxyOption } from './config.ts';
import { baseUrlList, type UpstreamSettings } from './upstreams.ts';
import { withVerifiedTokenCache } from './verified-token-cache.ts';

/** The gateway uses no message bus; the parameter keeps the start functions of all services alike. */
export type SharedInfrastructure = Record<string, never>;

/** The configured upstreams: auth and user always, the others when their URL is set. */
export function upstreamSettings(config: GatewayConfig): UpstreamSettings[] {
  const optional = {
    post: config.POST_SERVICE_URL,
    media: config.MEDIA_SERVICE_URL,
    feed: config.FEED_SERVICE_URL,
    search: config.SEARCH_SERVICE_URL,
    notification: config.NOTIFICATION_SERVICE_URL,
  };
  return [
    {
      name: 'auth',
      baseUrls: baseUrlList(config.AUTH_SERVICE_URL),
      timeoutMs: config.AUTH_SERVICE_TIMEOUT_MS ?? config.UPSTREAM_TIMEOUT_MS,
    },
    {
      name: 'user',
      baseUrls: baseUrlList(config.USER_SERVICE_URL),
      timeoutMs: config.USER_SERVICE_TIMEOUT_MS ?? config.UPSTREAM_TIMEOUT_MS,
    },
    ...Object.entries(optional).flatMap(([name, url]) =>
      url === undefined ? [] : [{ name, baseUrls: baseUrlList(url), timeoutMs: config.UPSTREAM_TIMEOUT_MS }],
    ),
  ];
}

export async function startGatewayService(config: GatewayConfig, _shared: SharedInfrastructure = {}): Promise<App> {
  const kv = await openKeyValueStore({ url: config.REDIS_URL, keyPrefix: gatewayKeyPrefix(config) });
  const verifier = withVerifiedTokenCache(
    createAccessTokenVerifier({ jwks: config.JWKS_URL, issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE }),
    { maxEntries: config.TOKEN_CACHE_MAX_ENTRIES, maxAgeMs: config.TOKEN_CACHE_MAX_AGE_MS },
  );

  const app = buildGatewayApp({
    kv,
    verifier,
    upstreams: upstreamSettings(config),
    rateLimit: {
      enabled: config.RATE_LIMIT_ENABLED,
      limit: config.RATE_LIMIT_MAX,
      windowMs: config.RATE_LIMIT_WINDOW_MS,
      failOpen: config.RATE_LIMIT_FAIL_OPEN,
    },
    breaker: { breakerFailures: config.BREAKER_FAILURES, breakerHalfOpenAfterMs: config.BREAKER_HALF_OPEN_AFTER_MS },
    trustProxy: trustProxyOption(config.TRUST_PROXY),
    corsOrigins: corsOrigins(config.CORS_ORIGINS),
    bodyLimit: config.BODY_LIMIT_BYTES,
    openApiRefreshMs: config.OPENAPI_REFRESH_MS,
    ...(config.METRICS_PORT === undefined ? {} : { metrics: { port: config.METRICS_PORT, host: config.HOST } }),
    logLevel: config.LOG_LEVEL,
  });
  // The store was opened here, so it is closed here, after the app has stopped serving.
  app.addHook('onClose', () => kv.close());
  return app;
}
