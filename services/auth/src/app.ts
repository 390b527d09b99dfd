// Builds the auth service from adapters created elsewhere (server.ts, tests, the embedded runner):
// no I/O at import time or here. It creates only the user-service client (a connection pool that opens
// nothing until the first call; closed in onClose) and the registration recovery loop's timer
// (started when the app is ready, stopped before it closes).

import { createAccessTokenVerifier } from '@scalegram/kit/access-token';
import { type App, type AppOptions, createApp } from '@scalegram/kit/app';
import { authenticationPlugin } from '@scalegram/kit/authentication';
import type { LogLevel } from '@scalegram/kit/logging';
import { createServiceClient } from '@scalegram/kit/service-client';
import type { KeyValueStore } from '@scalegram/kv/port';
import type { IdGenerator } from '@scalegram/relational/id-generator';
import type { RelationalDatabase } from '@scalegram/relational/port';
import fp from 'fastify-plugin';
import type { ServiceClientRegistry } from './clients/service-client-registry.ts';
import type { PasswordHasher } from './domain/password-hasher.ts';
import type { KeyRing } from './keys/key-ring.ts';
import { ACCESS_AUDIENCE, createTokenIssuer, INTERNAL_AUDIENCE } from './keys/token-issuer.ts';
import { createBulkRegistration } from './registration/bulk-registration.ts';
import { createRecoveryLoop } from './registration/recovery-loop.ts';
import { createRegistrationSaga, type RegistrationSaga } from './registration/registration-saga.ts';
import { createUserDirectory } from './registration/user-directory.ts';
import { internalRegistrationBatchRoute } from './routes/internal-registration-batch-route.ts';
import { jwksRoute } from './routes/jwks-route.ts';
import { loginRoute } from './routes/login-route.ts';
import { passwordRoute } from './routes/password-route.ts';
import { registerRoute } from './routes/register-route.ts';
import { serviceTokenRoute } from './routes/service-token-route.ts';
import { sessionRoutes } from './routes/session-routes.ts';
import { createSessionService } from './sessions/session-service.ts';
import type { AuthDatabase } from './store/schema.ts';
import { createThrottles, type ThrottleLimits } from './throttling/throttles.ts';

export const SERVICE_NAME = 'auth';
export const SERVICE_VERSION = '0.1.0';
export const DEFAULT_SERVICE_TOKEN_TTL_SECONDS = 300;

export interface AuthSettings {
  issuer: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  limits: ThrottleLimits;
  userService: { baseUrl: string; timeoutMs: number; maxAttempts?: number };
  /** Registered clients of the client-credentials grant; absent or empty: every token request is refused. */
  serviceClients?: ServiceClientRegistry;
  /** Lifetime of those clients' service tokens. Default 300. */
  serviceTokenTtlSeconds?: number;
  /** 0 disables the background loop (tests run `app.registrations.recoverStale()` themselves). */
  recoveryIntervalMs: number;
  recoveryStaleAfterMs: number;
  trustProxy?: boolean | string[];
  logLevel?: LogLevel;
  logDestination?: AppOptions['logDestination'];
}

export interface AuthDependencies {
  database: RelationalDatabase<AuthDatabase>;
  kv: KeyValueStore;
  keyRing: KeyRing;
  passwords: PasswordHasher;
  ids: IdGenerator;
  settings: AuthSettings;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The registration saga, exposed for the recovery loop's tests and operational tooling. */
    registrations: RegistrationSaga;
  }
}

export function buildAuthApp(deps: AuthDependencies): App {
  const { settings, database, kv, keyRing, passwords } = deps;
  const app = createApp({
    name: SERVICE_NAME,
    version: SERVICE_VERSION,
    logLevel: settings.logLevel ?? 'info',
    ...(settings.logDestination ? { logDestination: settings.logDestination } : {}),
    // Auth bodies are a few hundred bytes; a small limit refuses oversized bodies before parsing them.
    bodyLimit: 16 * 1024,
    trustProxy: settings.trustProxy ?? false,
    openapi: { title: 'Scalegram auth service' },
    readinessChecks: [
      { name: 'postgres', check: () => database.ping() },
      { name: 'kv', check: () => kv.ping() },
    ],
  });

  // The wiring runs as a plugin: kit's metrics registry (used by the user-service client) exists only
  // once createApp's plugins have loaded. fastify-plugin keeps the decorators on the root instance.
  app.register(
    fp(
      async (scope: App) => {
        const tokens = createTokenIssuer({
          keyRing,
          issuer: settings.issuer,
          accessTtlSeconds: settings.accessTtlSeconds,
        });
        const client = createServiceClient({
          name: 'user',
          baseUrl: settings.userService.baseUrl,
          timeoutMs: settings.userService.timeoutMs,
          retry: { maxAttempts: settings.userService.maxAttempts ?? 3, baseDelayMs: 50 },
          logger: scope.log,
          metrics: scope.metrics.registry,
        });
        scope.addHook('onClose', () => client.close());
        const users = createUserDirectory(client, tokens);
        const sessions = createSessionService({ database, tokens, refreshTtlSeconds: settings.refreshTtlSeconds });
        const throttles = createThrottles(kv, settings.limits);
        const registrations = createRegistrationSaga({
          database,
          users,
          passwords,
          sessions,
          ids: deps.ids,
          log: scope.log,
          staleAfterMs: settings.recoveryStaleAfterMs,
        });
        scope.decorate('registrations', registrations);

        if (settings.recoveryIntervalMs > 0) {
          const loop = createRecoveryLoop({
            intervalMs: settings.recoveryIntervalMs,
            run: () => registrations.recoverStale(),
            log: scope.log,
          });
          scope.addHook('onReady', async () => loop.start());
          // preClose: stop compensating before the HTTP drain, so the database is not closed under a pass.
          scope.addHook('preClose', () => loop.stop());
        }

        // The auth service verifies its own access tokens (password route) against its own key ring. A
        // snapshot is enough: the ring only changes with a restart, and a token signed by a retired key
        // expires no later than the end of that key's publication window.
        const verifier = createAccessTokenVerifier({
          jwks: keyRing.publicJwks(),
          issuer: settings.issuer,
          audience: ACCESS_AUDIENCE,
        });
        scope.register(authenticationPlugin, { verifier });
        scope.register(jwksRoute, { keyRing });
        scope.register(registerRoute, { registrations, throttles });
        scope.register(loginRoute, { database, passwords, sessions, users, throttles });
        scope.register(sessionRoutes, { sessions });
        scope.register(passwordRoute, { database, passwords, throttles });
        scope.register(internalRegistrationBatchRoute, {
          registerMany: createBulkRegistration({
            database,
            users,
            passwords,
            tokens,
            ids: deps.ids,
            refreshTtlSeconds: settings.refreshTtlSeconds,
          }),
          serviceVerifier: createAccessTokenVerifier({
            jwks: keyRing.publicJwks(),
            issuer: settings.issuer,
            audience: INTERNAL_AUDIENCE,
          }),
        });
        scope.register(serviceTokenRoute, {
          clients: settings.serviceClients ?? new Map(),
          tokens,
          ttlSeconds: settings.serviceTokenTtlSeconds ?? DEFAULT_SERVICE_TOKEN_TTL_SECONDS,
        });
      },
      { name: 'auth-service' },
    ),
  );
  return app;
}
