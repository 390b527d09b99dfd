// Starts real upstreams (fake auth serving the JWKS, fake user) and builds a gateway in front of them.
import { createAccessTokenVerifier } from '@scalegram/kit/access-token';
import type { App } from '@scalegram/kit/app';
import { createMemoryStore } from '@scalegram/kv/memory-store';
import type { KeyValueStore } from '@scalegram/kv/port';
import { buildGatewayApp, type GatewayDeps } from '../../src/app.ts';
import { DEFAULT_ROUTE_TABLE } from '../../src/domain/route-table.ts';

/** The default rows for the two upstreams the harness runs (auth and user). */
export const IDENTITY_ROUTES = DEFAULT_ROUTE_TABLE.filter((entry) => ['auth', 'user'].includes(entry.upstream));

import { withVerifiedTokenCache } from '../../src/verified-token-cache.ts';
import { fakeAuthService, fakeUserService, listen } from './fake-upstreams.ts';
import { AUDIENCE, createSigningKey, ISSUER, type SigningKey, signAccessToken } from './signing-keys.ts';

export interface Harness {
  key: SigningKey;
  otherKey: SigningKey;
  authUrl: string;
  userUrl: string;
  jwksUrl: string;
  token(userId?: string): Promise<string>;
  /** Replaces the keys the fake auth service publishes in its JWKS (a key rotation). */
  publish(keys: SigningKey[]): void;
  gateway(overrides?: Partial<GatewayDeps>): Promise<App>;
  close(): Promise<void>;
}

const quiet = { write: () => undefined };

export async function startHarness(): Promise<Harness> {
  const key = await createSigningKey('key-1');
  const otherKey = await createSigningKey('key-2');
  const published = { current: [key] };
  const auth = fakeAuthService(published);
  const authUrl = await listen(auth);
  const jwksUrl = `${authUrl}/.well-known/jwks.json`;
  const user = fakeUserService({ jwksUrl });
  const userUrl = await listen(user);
  const gateways: App[] = [];
  const stores: KeyValueStore[] = [];

  return {
    key,
    otherKey,
    authUrl,
    userUrl,
    jwksUrl,
    token: (userId = '1001') => signAccessToken(key, { userId }),
    publish(keys) {
      published.current = keys;
    },
    async gateway(overrides = {}) {
      const kv = createMemoryStore();
      stores.push(kv);
      const app = buildGatewayApp({
        kv,
        // Wrapped as server.ts wraps it, so every test also runs through the verified-token cache.
        verifier: withVerifiedTokenCache(
          createAccessTokenVerifier({ jwks: jwksUrl, issuer: ISSUER, audience: AUDIENCE, cooldownMs: 0 }),
          { maxEntries: 1000, maxAgeMs: 60_000 },
        ),
        upstreams: [
          { name: 'auth', baseUrls: [authUrl], timeoutMs: 2000 },
          { name: 'user', baseUrls: [userUrl], timeoutMs: 500 },
        ],
        routes: IDENTITY_ROUTES,
        rateLimit: { enabled: true, limit: 50, windowMs: 60_000, failOpen: true },
        breaker: { breakerFailures: 5, breakerHalfOpenAfterMs: 10_000 },
        trustProxy: false,
        corsOrigins: [],
        bodyLimit: 16 * 1024,
        openApiRefreshMs: 60_000,
        logDestination: quiet,
        ...overrides,
      });
      gateways.push(app);
      await app.ready();
      return app;
    },
    async close() {
      await Promise.all(gateways.map((app) => app.close()));
      await Promise.all(stores.map((store) => store.close()));
      await Promise.all([auth.close(), user.close()]);
    },
  };
}
