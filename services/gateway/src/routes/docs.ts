// Swagger UI at /docs over the aggregated document at /docs/json. @fastify/swagger-ui ships its static
// assets in the npm package (no CDN) and sets a hash-based Content-Security-Policy for its pages
// (`staticCSP`), replacing the API's `default-src 'none'`. It reads the document through the
// `app.swagger()` decorator of @fastify/swagger (registered by the kit's createApp with `openapi`);
// `transformSpecification` swaps the gateway's own, nearly empty document for the merged one.
import swaggerUi from '@fastify/swagger-ui';
import type { App } from '@scalegram/kit/app';
import type { OpenApiAggregator } from '../docs/openapi-aggregator.ts';

export async function docsRoutes(app: App, options: { aggregator: OpenApiAggregator }): Promise<void> {
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    transformSpecificationClone: false,
    transformSpecification: () => options.aggregator.document() as Record<string, unknown>,
    uiHooks: {
      onRequest: async (request) => {
        if (request.url.startsWith('/docs/json') || request.url.startsWith('/docs/yaml')) {
          await options.aggregator.refreshIfStale();
        }
      },
    },
  });
}
