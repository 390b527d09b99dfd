// Builds the media service's Fastify app from adapters created elsewhere (server.ts, tests, or the
// embedded all-in-one runner): no I/O here, and nothing is opened that this file would have to close.
import { Media } from '@scalegram/contracts/media';
import { localFileRoutes } from '@scalegram/file-store/local-file-routes';
import type { LocalFileStore } from '@scalegram/file-store/local-store';
import type { FileStore } from '@scalegram/file-store/port';
import type { AccessTokenVerifier } from '@scalegram/kit/access-token';
import { type App, type AppOptions, createApp } from '@scalegram/kit/app';
import { authenticationPlugin } from '@scalegram/kit/authentication';
import type { LogLevel } from '@scalegram/kit/logging';
import { createIdGenerator } from '@scalegram/relational/id-generator';
import type { RelationalDatabase } from '@scalegram/relational/port';
import type { MediaLimits } from './domain/media-policy.ts';
import { createMediaUrls } from './files/media-urls.ts';
import type { MediaContext } from './media-context.ts';
import { internalMediaRoutes } from './routes/internal-media-routes.ts';
import { mediaRoutes } from './routes/media-routes.ts';
import type { MediaDatabase } from './store/schema.ts';

export const SERVICE_NAME = 'media';
export const SERVICE_VERSION = '0.1.0';

// API bodies are tiny ({contentType, size} or 100 ids); the bytes themselves go to the file store.
// The local store's routes stream their bodies and are not subject to this limit.
export const MEDIA_BODY_LIMIT = 16 * 1024;

export interface MediaAppDeps {
  database: RelationalDatabase<MediaDatabase>;
  store: FileStore;
  /** The local store whose signed URLs this app serves at /files (embedded mode); absent with S3. */
  localFiles?: LocalFileStore;
  userVerifier: AccessTokenVerifier;
  serviceVerifier: AccessTokenVerifier;
  limits: MediaLimits;
  uploadExpiresInSeconds: number;
  downloadExpiresInSeconds: number;
  /** Stable variant URLs under this base instead of presigned GETs. */
  publicBaseUrl?: string | undefined;
  logLevel?: LogLevel;
  logDestination?: AppOptions['logDestination'];
}

export function buildMediaApp(deps: MediaAppDeps): App {
  const app = createApp({
    name: SERVICE_NAME,
    version: SERVICE_VERSION,
    ...(deps.logLevel === undefined ? {} : { logLevel: deps.logLevel }),
    ...(deps.logDestination === undefined ? {} : { logDestination: deps.logDestination }),
    bodyLimit: MEDIA_BODY_LIMIT,
    openapi: { title: 'Scalegram media service' },
    // Postgres only: the file store is only needed on some routes, and its outage answers 503 there.
    readinessChecks: [{ name: 'postgres', check: () => deps.database.ping() }],
  });
  app.addSchema(Media);

  const context: MediaContext = {
    database: deps.database,
    store: deps.store,
    ids: createIdGenerator(),
    limits: deps.limits,
    uploadExpiresInSeconds: deps.uploadExpiresInSeconds,
    urls: createMediaUrls({
      store: deps.store,
      publicBaseUrl: deps.publicBaseUrl,
      expiresInSeconds: deps.downloadExpiresInSeconds,
    }),
  };

  app.register(authenticationPlugin, { verifier: deps.userVerifier });
  app.register(mediaRoutes, { prefix: '/api/v1', context });
  app.register(internalMediaRoutes, { context, serviceVerifier: deps.serviceVerifier });
  // The signature is the authorisation on these (the gateway routes /files/* here without a token).
  if (deps.localFiles !== undefined) app.register(localFileRoutes, { store: deps.localFiles, prefix: '/files' });
  return app;
}
