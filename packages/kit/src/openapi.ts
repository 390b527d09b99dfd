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
        components: {
          securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        },
      },
      // Keep shared schemas under their own names (`Problem`), not `def-0`, so references read well.
      refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (json.$id as string) || `def-${i}` },
    });
    app.get(OPENAPI_PATH, { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'scalegram-openapi' },
);
