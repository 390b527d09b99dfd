// Per-request context reachable from anywhere in the call chain (the service client reads it to
// propagate ids) without threading `request` through every function: AsyncLocalStorage.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Bindings, ChildLoggerOptions } from 'pino';
import { REQUEST_ID_HEADER } from './request-id.ts';
import { TRACEPARENT_HEADER, type TraceContext, traceContextFrom } from './trace-context.ts';

export interface RequestContext {
  requestId: string;
  trace: TraceContext;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** W3C trace context of this request (continued from `traceparent` or freshly started). */
    traceContext: TraceContext;
  }
}

const storage = new AsyncLocalStorage<RequestContext>();

/** The context of the request being handled, or undefined outside a request (startup, consumers). */
export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** Runs `fn` inside the given context; useful for consumers that want ids on their outgoing calls. */
export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

const contextKey = Symbol('scalegram.requestContext');
type WithContext = { [contextKey]?: RequestContext };

// The trace context is derived once per raw request: first by the child-logger factory (which runs
// before any hook, so even Fastify's "incoming request" line carries the traceId), then reused.
const traceOfRaw = new WeakMap<IncomingMessage, TraceContext>();

function traceContextOf(raw: IncomingMessage): TraceContext {
  let trace = traceOfRaw.get(raw);
  if (!trace) {
    trace = traceContextFrom(raw.headers[TRACEPARENT_HEADER]);
    traceOfRaw.set(raw, trace);
  }
  return trace;
}

/**
 * Fastify `childLoggerFactory` that adds the traceId to every line a request logs. It is a server
 * option (set by createApp), not plugin code: Fastify captures the factory when a route is declared,
 * and services declare routes before plugins finish loading.
 */
export function traceLoggerFactory(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
  raw: IncomingMessage,
): FastifyBaseLogger {
  return logger.child({ ...bindings, traceId: traceContextOf(raw).traceId }, options);
}

export const requestContextPlugin = fp(
  async (app: FastifyInstance) => {
    app.decorateRequest('traceContext', undefined as unknown as TraceContext);

    app.addHook('onRequest', (request, reply, done) => {
      const trace = traceContextOf(request.raw);
      const context: RequestContext = { requestId: request.id, trace };
      request.traceContext = trace;
      (request as WithContext)[contextKey] = context;
      reply.header(REQUEST_ID_HEADER, request.id);
      // Everything Fastify runs from `done` onwards (hooks, handler, their promises) inherits the store.
      storage.run(context, done);
    });

    // Body parsing resumes on the socket's 'data' events, which belong to the connection's async
    // context, not the request's; re-enter the store so the handler still sees it.
    app.addHook('preValidation', (request, _reply, done) => {
      const context = (request as WithContext)[contextKey];
      if (context) storage.run(context, done);
      else done();
    });
  },
  { name: '@scalegram/kit/request-context', fastify: '5.x' },
);
