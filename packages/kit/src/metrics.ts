// Prometheus metrics with one registry per app: several apps in one process (tests, the embedded
// all-in-one mode) must not collide on metric names in prom-client's global registry.
import type { FastifyInstance, FastifySchema } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** Route label for requests that matched no route: raw URLs as labels would be unbounded cardinality. */
export const UNMATCHED_ROUTE = '__unmatched';

export interface Metrics {
  /** Register the service's own metrics here: `new Counter({ ..., registers: [app.metrics.registry] })`. */
  registry: Registry;
  httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics;
  }
}

export interface MetricsOptions {
  service: string;
}

export const metricsPlugin = fp(
  async (app: FastifyInstance, options: MetricsOptions) => {
    const registry = new Registry();
    registry.setDefaultLabels({ service: options.service });
    collectDefaultMetrics({ register: registry });

    const httpRequestDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration in seconds, by route template',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });

    app.decorate('metrics', { registry, httpRequestDuration });

    app.addHook('onResponse', async (request, reply) => {
      // `routeOptions.url` is the template (`/users/:id`), undefined when no route matched.
      const route = request.is404 ? UNMATCHED_ROUTE : (request.routeOptions.url ?? UNMATCHED_ROUTE);
      httpRequestDuration.observe(
        { method: request.method, route, status_code: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    });

    app.get('/metrics', { schema: { hide: true } as FastifySchema }, async (_request, reply) => {
      reply.type(registry.contentType);
      return registry.metrics();
    });
  },
  { name: '@scalegram/kit/metrics', fastify: '5.x' },
);
