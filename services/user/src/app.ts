// Builds the user service's Fastify app from adapters created elsewhere (server.ts, tests, or the
// embedded all-in-one runner): no I/O here, and nothing is opened that this file would have to close.
import { UserProfile, UserSummary } from '@scalegram/contracts/users';
import type { AccessTokenVerifier } from '@scalegram/kit/access-token';
import { type App, type AppOptions, createApp } from '@scalegram/kit/app';
import { authenticationPlugin } from '@scalegram/kit/authentication';
import type { LogLevel } from '@scalegram/kit/logging';
import type { KeyValueStore } from '@scalegram/kv/port';
import type { RelationalDatabase } from '@scalegram/relational/port';
import { type AvatarChecker, createAvatarChecker } from './media/avatar-checker.ts';
import { followRoutes } from './routes/follow-routes.ts';
import { internalFollowBatchRoutes } from './routes/internal-follow-batch-routes.ts';
import { internalUserBulkRoutes } from './routes/internal-user-bulk-routes.ts';
import { internalUserRoutes } from './routes/internal-user-routes.ts';
import { profileRoutes } from './routes/profile-routes.ts';
import { userSearchRoutes } from './routes/user-search-routes.ts';
import { createProfileCache } from './store/profile-cache.ts';
import type { UserDatabase } from './store/schema.ts';
import type { UserContext } from './user-context.ts';

export const SERVICE_NAME = 'user';
export const SERVICE_VERSION = '0.1.0';

// The largest valid body is a batch of 100 ids (about 2.5 kB); anything far beyond is refused (413)
// before it is parsed.
export const USER_BODY_LIMIT = 16 * 1024;

export interface UserAppDeps {
  database: RelationalDatabase<UserDatabase>;
  kv: KeyValueStore;
  /** Verifies user access tokens (audience `scalegram`). */
  userVerifier: AccessTokenVerifier;
  /** Verifies service tokens (audience `scalegram-internal`) on the internal routes. */
  serviceVerifier: AccessTokenVerifier;
  /** How long a cached profile may be served; also the bound on staleness (ADR 0018). */
  profileCacheTtlMs: number;
  /** Checks a new avatarMediaId with the media service; default: none configured (every avatar → 503). */
  avatars?: AvatarChecker;
  logLevel?: LogLevel;
  logDestination?: AppOptions['logDestination'];
}

export function buildUserApp(deps: UserAppDeps): App {
  const app = createApp({
    name: SERVICE_NAME,
    version: SERVICE_VERSION,
    ...(deps.logLevel === undefined ? {} : { logLevel: deps.logLevel }),
    ...(deps.logDestination === undefined ? {} : { logDestination: deps.logDestination }),
    bodyLimit: USER_BODY_LIMIT,
    openapi: { title: 'Scalegram user service' },
    readinessChecks: [
      // Postgres only: the profile cache is best-effort (reads fall back to Postgres), so a Redis outage
      // must not take the pods out of rotation.
      { name: 'postgres', check: () => deps.database.ping() },
    ],
  });
  app.addSchema(UserProfile);
  app.addSchema(UserSummary);

  const context: UserContext = {
    database: deps.database,
    cache: createProfileCache({ kv: deps.kv, ttlMs: deps.profileCacheTtlMs, logger: app.log }),
  };

  app.register(authenticationPlugin, { verifier: deps.userVerifier });
  app.register(profileRoutes, {
    prefix: '/api/v1',
    context,
    avatars: deps.avatars ?? createAvatarChecker(undefined),
  });
  app.register(followRoutes, { prefix: '/api/v1', context });
  app.register(userSearchRoutes, { prefix: '/api/v1', context });
  app.register(internalUserRoutes, { context, serviceVerifier: deps.serviceVerifier });
  app.register(internalFollowBatchRoutes, { context, serviceVerifier: deps.serviceVerifier });
  app.register(internalUserBulkRoutes, { context, serviceVerifier: deps.serviceVerifier });
  return app;
}
