// The app factory every service starts from: a Fastify 5 instance with the TypeBox type provider and
// the runtime plugins (request context, errors, health, metrics). Building the app does no I/O; the
// service's server.ts decides when to listen (see run-service.ts).

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Problem } from '@scalegram/contracts/problem';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  LogController,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import type { DestinationStream } from 'pino';
import { clientErrorHandler } from './client-error-handler.ts';
import { errorHandlerPlugin, frameworkErrorHandler } from './error-handler.ts';
import { healthPlugin, type ReadinessCheck } from './health.ts';
import { DEFAULT_MAX_JSON_DEPTH, jsonBodyPlugin } from './json-body.ts';
import { createLogger, type LogLevel } from './logging.ts';
import { type MetricsEndpoint, metricsPlugin } from './metrics.ts';
import { type OpenApiOptions, openApiPlugin } from './openapi.ts';
import { requestContextPlugin, traceLoggerFactory } from './request-context.ts';
import { requestIdFor } from './request-id.ts';
import { strictValidatorCompiler } from './request-validation.ts';
import { createRouteMethods } from './route-methods.ts';

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export interface AppOptions {
  /** Service name, stamped on every log line and metric. */
  name: string;
  version: string;
  logLevel?: LogLevel;
  /** Where logs go; stdout by default. */
  logDestination?: DestinationStream;
  /** Maximum request body in bytes; larger bodies get 413. Default 1 MiB. */
  bodyLimit?: number;
  /** Maximum nesting of a JSON body; deeper bodies get 400 `json-too-deep` before they are parsed. Default 32. */
  maxJsonDepth?: number;
  /** Dependencies that must answer before this instance takes traffic. */
  readinessChecks?: ReadinessCheck[];
  readinessTimeoutMs?: number;
  /**
   * Who may say who the client is (X-Forwarded-For), so that behind the Ingress `request.ip` is the
   * client's: trusted proxy addresses/CIDRs, or a hop count (see trustedHops).
   */
  trustProxy?: boolean | number | string | string[];
  /** Where GET /metrics is served: the app's own port (default), a listener of its own, or nowhere. */
  metrics?: MetricsEndpoint;
  /** Publish an OpenAPI 3.1 document of the service's routes at /openapi.json (version defaults to `version`). */
  openapi?: Omit<OpenApiOptions, 'version'> & { version?: string };
}

/**
 * A hop count as proxy-addr defines it: the socket peer and the next `hops - 1` X-Forwarded-For entries
 * from the right are proxies; the entry after them is the client. Fastify 5 turns a plain number into
 * "trust nothing" (a client that reaches the server directly could claim any address), so the count is
 * given as a function; use it only where nothing but the proxies can reach the server (a NetworkPolicy).
 */
export function trustedHops(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}

// Probes and scrapes arrive every few seconds; logging each one would drown the useful lines.
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

export function createApp(options: AppOptions): App {
  const app = Fastify({
    loggerInstance: createLogger({
      service: options.name,
      version: options.version,
      level: options.logLevel ?? 'info',
      ...(options.logDestination ? { destination: options.logDestination } : {}),
    }) as FastifyBaseLogger,
    childLoggerFactory: traceLoggerFactory,
    logController: new LogController({
      requestIdLogLabel: 'requestId',
      disableRequestLogging: (request) => QUIET_PATHS.has(request.url),
    }),
    // We validate the incoming x-request-id ourselves instead of trusting any header value.
    requestIdHeader: false,
    genReqId: requestIdFor,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    trustProxy:
      typeof options.trustProxy === 'number' ? trustedHops(options.trustProxy) : (options.trustProxy ?? false),
    // Graceful shutdown: refuse requests that arrive while closing, close idle keep-alive sockets at
    // once, and let in-flight requests finish.
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // What the router and Node's HTTP parser reject answers problem+json too (error-handler.ts,
    // client-error-handler.ts), not Fastify's plain JSON.
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Every route's methods, recorded as routes are added, so that the not-found handler can answer 405.
  const routeMethods = createRouteMethods();
  app.addHook('onRoute', routeMethods.record);

  // Bodies are validated exactly as declared (no dropped fields, no coerced types); only querystring,
  // params and headers, which arrive as strings, are converted.
  app.setValidatorCompiler(strictValidatorCompiler);
  // Routes can reference the shared problem schema as `Type.Ref('Problem')` in their responses.
  app.addSchema(Problem);
  // Before any route: every JSON body is bounded in depth (and by bodyLimit in size) before it is parsed.
  app.register(jsonBodyPlugin, { maxDepth: options.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH });
  // Registered before any route, so that every route the service adds is collected.
  if (options.openapi) app.register(openApiPlugin, { version: options.version, ...options.openapi });
  app.register(requestContextPlugin);
  app.register(errorHandlerPlugin, { routeMethods });
  app.register(metricsPlugin, { service: options.name, endpoint: options.metrics ?? 'app' });
  app.register(healthPlugin, {
    checks: options.readinessChecks ?? [],
    checkTimeoutMs: options.readinessTimeoutMs ?? 2000,
  });
  return app;
}
