// Every service describes itself: @fastify/swagger collects each route's schema (the same schema
// that validates and serializes) into an OpenAPI 3.1 document served at /openapi.json. The gateway
// merges these documents into the one public document behind its Swagger UI.
//
// Register routes as plugins (`app.register(postRoutes)`), as the services' src/routes/ files do:
// @fastify/swagger sees a route through an onRoute hook, and a route added directly on the root
// instance right after createApp() is registered before that hook exists.
import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { completeServiceDocument, type OpenApiObject, SECURITY_SCHEMES } from './openapi-responses.ts';

export interface OpenApiOptions {
  title: string;
  version: string;
  description?: string;
}

export const OPENAPI_PATH = '/openapi.json';

export const openApiPlugin = fp(
  async (app: FastifyInstance, options: OpenApiOptions) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: options.title,
          version: options.version,
          ...(options.description ? { description: options.description } : {}),
        },
        // @fastify/swagger looks up each route's `security` names here.
        components: { securitySchemes: SECURITY_SCHEMES as never },
      },
      // What the kit answers on every route (problem+json errors, 500, 400/401/413/415, X-Request-Id),
      // added to each operation here rather than repeated in each route schema (openapi-responses.ts).
      transformObject: (documentObject) =>
        completeServiceDocument((documentObject as { openapiObject: OpenApiObject }).openapiObject) as never,
      // Keep shared schemas under their own names (`Problem`), not `def-0`, so references read well.
      refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (json.$id as string) || `def-${i}` },
    });
    app.get(OPENAPI_PATH, { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'scalegram-openapi' },
);
