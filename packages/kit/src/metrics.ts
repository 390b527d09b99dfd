// Prometheus metrics with one registry per app: several apps in one process (tests, the embedded
// all-in-one mode) must not collide on metric names in prom-client's global registry.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance, FastifySchema } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** Route label for requests that matched no route: raw URLs as labels would be unbounded cardinality. */
export const UNMATCHED_ROUTE = '__unmatched';

export interface Metrics {
  /** Register the service's own metrics here: `new Counter({ ..., registers: [app.metrics.registry] })`. */
  registry: Registry;
  httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>;
  /** Where the metrics listener of its own listens (`endpoint: {port}`), once the app is ready. */
  listenerAddress(): AddressInfo | undefined;
}

/**
 * Where `GET /metrics` is served: on the app's own port (the default; fine for a service only the
 * cluster reaches), on a listener of its own (a public app — the gateway — whose metrics must not be
 * reachable through its public port, yet stay scrapable inside the cluster), or nowhere.
 */
export type MetricsEndpoint = 'app' | 'none' | { port: number; host: string };

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics;
  }
}

export interface MetricsOptions {
  service: string;
  endpoint?: MetricsEndpoint;
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

    const endpoint = options.endpoint ?? 'app';
    let listener: Server | undefined;
    app.decorate('metrics', {
      registry,
      httpRequestDuration,
      listenerAddress: () => (listener?.address() as AddressInfo | null) ?? undefined,
    });

    app.addHook('onResponse', async (request, reply) => {
      // `routeOptions.url` is the template (`/users/:id`), undefined when no route matched.
      const route = request.is404 ? UNMATCHED_ROUTE : (request.routeOptions.url ?? UNMATCHED_ROUTE);
      httpRequestDuration.observe(
        { method: request.method, route, status_code: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    });

    if (endpoint === 'app') {
      app.get('/metrics', { schema: { hide: true } as FastifySchema }, async (_request, reply) => {
        reply.type(registry.contentType);
        return registry.metrics();
      });
    } else if (endpoint !== 'none') {
      // A bare node:http server: it serves one read-only path to the scraper, nothing else.
      listener = createServer((request, response) => {
        if (request.method !== 'GET' || request.url?.split('?', 1)[0] !== '/metrics') {
          response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Only GET /metrics here.\n');
          return;
        }
        registry.metrics().then(
          (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
          (error: unknown) => {
            app.log.error({ err: error }, 'metrics collection failed');
            response.writeHead(500).end();
          },
        );
      });
      const server = listener;
      // onReady, not onListen: a port that is taken fails the start instead of leaving metrics unserved.
      app.addHook('onReady', async () => {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(endpoint.port, endpoint.host, () => {
            server.off('error', reject);
            resolve();
          });
        });
        app.log.info({ address: server.address() }, 'metrics listening');
      });
      app.addHook('onClose', async () => {
        if (!server.listening) return;
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      });
    }
  },
  { name: '@scalegram/kit/metrics', fastify: '5.x' },
);
