// The forwarding route: every request that no gateway route claims (probes, metrics, docs) lands here,
// is matched against the route table and forwarded to its upstream with the kit's service client.
// Answers of our own: 400 for a path we refuse to forward, 404 for a path nothing serves, 401 when the
// table requires a token and there is none (before the upstream is touched), 503/504 when the upstream
// is down or slow (kit error handler). An upstream 4xx problem is passed through unchanged.
import type { App } from '@scalegram/kit/app';
import { requireIdentity } from '@scalegram/kit/authentication';
import { sendProblem } from '@scalegram/kit/error-handler';
import type { HttpMethod } from '@scalegram/kit/service-client';
import { UpstreamResponseError } from '@scalegram/kit/upstream-errors';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { clientResponseHeaders, upstreamRequestHeaders } from '../domain/forwarded-headers.ts';
import { combineListFields } from '../domain/rate-limit-fields.ts';
import { isForwardablePath, pathOf } from '../domain/request-path.ts';
import type { RouteTable } from '../domain/route-table.ts';
import { upstreamProblemResponse } from '../domain/upstream-problem.ts';
import type { EventStreamProxy } from '../streaming/event-stream-proxy.ts';
import type { Upstream } from '../upstreams.ts';

export interface ProxyRoutesOptions {
  routes: RouteTable;
  clients: ReadonlyMap<string, Upstream>;
  /** Forwards the rows marked `stream` (Server-Sent Events). */
  streams: EventStreamProxy;
}

// OPTIONS is left out: CORS preflights are answered by @fastify/cors when it is enabled. HEAD comes
// with GET (Fastify's exposeHeadRoutes) and is forwarded as HEAD.
const METHODS: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Upstream RateLimit fields join the gateway's own (both are SF Lists) instead of replacing them. */
function mergeRateLimitFields(reply: FastifyReply, upstream: Record<string, string | string[] | undefined>) {
  for (const name of ['ratelimit', 'ratelimit-policy']) {
    const theirs = upstream[name];
    if (theirs === undefined) continue;
    const ours = reply.getHeader(name);
    reply.header(name, typeof ours === 'string' ? combineListFields(ours, theirs) : theirs);
  }
}

/**
 * The request as logged: Fastify's default fields, with a token in the query (`?access_token=` on the
 * event-stream rows) replaced, since logs outlive tokens.
 */
function requestWithoutToken(request: FastifyRequest) {
  return {
    method: request.method,
    url: request.url.replace(/([?&]access_token=)[^&]*/, '$1[redacted]'),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

export async function proxyRoutes(app: App, options: ProxyRoutesOptions): Promise<void> {
  app.route({
    method: METHODS,
    url: '/*',
    schema: { hide: true },
    logSerializers: { req: requestWithoutToken },
    handler: async (request, reply) => {
      const path = pathOf(request.url);
      if (!isForwardablePath(path)) {
        return sendProblem(request, reply, {
          status: 400,
          code: 'invalid-path',
          detail: 'The path contains dot segments, empty segments or encoded separators.',
        });
      }
      const match = options.routes.match(path);
      if (!match) {
        return sendProblem(request, reply, {
          status: 404,
          code: 'route-not-found',
          detail: `No route for ${request.method} ${path}`,
        });
      }
      if (match.entry.token === 'required') requireIdentity(request);
      const client = options.clients.get(match.entry.upstream);
      if (!client) throw new Error(`no client for upstream "${match.entry.upstream}"`);

      try {
        if (match.entry.stream && request.method === 'GET')
          return await options.streams.forward(request, reply, client);
        const response = await client.request<unknown>({
          method: request.method as HttpMethod,
          // The path and raw query string go upstream exactly as received (checked above).
          path: request.url,
          headers: upstreamRequestHeaders(request.headers, request.ip, request.protocol),
          ...(request.body === undefined ? {} : { body: request.body }),
        });
        reply.code(response.status).headers(clientResponseHeaders(response.headers));
        mergeRateLimitFields(reply, response.headers);
        const { body } = response;
        if (body === undefined) return reply.send();
        return reply.send(typeof body === 'string' ? body : JSON.stringify(body));
      } catch (error) {
        // 4xx: the caller's mistake, explained by the service that knows. 5xx stay the kit's 502.
        if (!(error instanceof UpstreamResponseError) || error.status >= 500) throw error;
        const passThrough = upstreamProblemResponse(error.status, error.body);
        return reply
          .code(error.status)
          .headers(passThrough.headers)
          .type(passThrough.contentType)
          .send(passThrough.payload);
      }
    },
  });
}
