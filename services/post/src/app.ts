// Builds the post service's Fastify app from adapters created elsewhere (server.ts, tests, or the
// embedded all-in-one runner): no I/O here, and nothing is opened that this file would have to close.
import { Comment, Post } from '@scalegram/contracts/posts';
import type { AccessTokenVerifier } from '@scalegram/kit/access-token';
import { type App, type AppOptions, createApp } from '@scalegram/kit/app';
import { authenticationPlugin } from '@scalegram/kit/authentication';
import type { LogLevel } from '@scalegram/kit/logging';
import type { IdGenerator } from '@scalegram/relational/id-generator';
import type { ShardRouter } from '@scalegram/relational/shard-router';
import type { MediaChecker } from './media/media-checker.ts';
import type { PostContext } from './post-context.ts';
import { engagementRoutes } from './routes/engagement-routes.ts';
import { internalAuthorPostsRoutes } from './routes/internal-author-posts-routes.ts';
import { internalLikedRoutes } from './routes/internal-liked-routes.ts';
import { internalPostListingRoutes } from './routes/internal-post-listing-routes.ts';
import { internalPostRoutes } from './routes/internal-post-routes.ts';
import { postRoutes } from './routes/post-routes.ts';
import type { PostDatabase } from './store/schema.ts';

export const SERVICE_NAME = 'post';
export const SERVICE_VERSION = '0.1.0';

// The largest valid body is a batch of 100 ids (about 2.5 kB) or a post of 2,000 bytes of text (up to
// 12 kB once JSON-escaped); anything far beyond is refused (413) before it is parsed.
export const POST_BODY_LIMIT = 16 * 1024;

export interface PostAppDeps {
  router: ShardRouter<PostDatabase>;
  ids: IdGenerator;
  media: MediaChecker;
  /** Verifies user access tokens (audience `scalegram`). */
  userVerifier: AccessTokenVerifier;
  /** Verifies service tokens (audience `scalegram-internal`) on the service-only internal routes. */
  serviceVerifier: AccessTokenVerifier;
  logLevel?: LogLevel;
  logDestination?: AppOptions['logDestination'];
}

export function buildPostApp(deps: PostAppDeps): App {
  const app = createApp({
    name: SERVICE_NAME,
    version: SERVICE_VERSION,
    ...(deps.logLevel === undefined ? {} : { logLevel: deps.logLevel }),
    ...(deps.logDestination === undefined ? {} : { logDestination: deps.logDestination }),
    bodyLimit: POST_BODY_LIMIT,
    openapi: { title: 'Scalegram post service' },
    // Every shard must answer: a post id can route to any of them.
    readinessChecks: deps.router
      .all()
      .map((database, index) => ({ name: `postgres-${index}`, check: () => database.ping() })),
  });
  app.addSchema(Post);
  app.addSchema(Comment);

  const context: PostContext = { router: deps.router, ids: deps.ids, media: deps.media };
  app.register(authenticationPlugin, { verifier: deps.userVerifier });
  app.register(postRoutes, { prefix: '/api/v1', context });
  app.register(engagementRoutes, { prefix: '/api/v1', context });
  app.register(internalPostRoutes, { context });
  app.register(internalPostListingRoutes, { context, serviceVerifier: deps.serviceVerifier });
  app.register(internalAuthorPostsRoutes, { context });
  app.register(internalLikedRoutes, { context });
  return app;
}
