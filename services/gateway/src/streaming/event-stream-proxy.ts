// Forwarding of Server-Sent Events (route rows with `stream: true`, e.g. the notification stream).
// The kit's service client is made for JSON: it reads a whole body under a timeout. An event stream is
// an answer that never ends, so it gets its own path:
//   - its own undici pool per replica, so long-lived streams never starve the JSON calls' pools;
//   - a timeout on the response *headers* only (the upstream must accept the stream quickly); no
//     timeout on the body, which stays open for as long as both sides want it;
//   - the body is streamed chunk by chunk, never buffered; `X-Accel-Buffering: no` tells an NGINX
//     Ingress not to buffer it either;
//   - a client that goes away closes the upstream request (the service sees the disconnect and drops
//     its subscriber);
//   - on gateway shutdown (preClose) every open stream is ended cleanly — the client sees the end of
//     the response and its EventSource reconnects, to another replica — instead of holding the
//     shutdown until its deadline;
//   - several replicas are picked round-robin like every other call (src/upstreams.ts); a replica
//     that refuses the connection is skipped.
// Anything but a 200 `text/event-stream` answer is read whole and answered like the forwarding route:
// a 4xx problem passes through, 502/503/504 become 503 `upstream-unavailable`, other 5xx 502.
import { PassThrough } from 'node:stream';
import { UnavailableError } from '@scalegram/contracts/errors';
import { currentRequestContext } from '@scalegram/kit/request-context';
import { REQUEST_ID_HEADER } from '@scalegram/kit/request-id';
import { outgoingTraceparent, TRACEPARENT_HEADER } from '@scalegram/kit/trace-context';
import { UpstreamResponseError, UpstreamTimeoutError } from '@scalegram/kit/upstream-errors';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Gauge, type Registry } from 'prom-client';
import { Pool } from 'undici';
import { clientResponseHeaders, upstreamRequestHeaders } from '../domain/forwarded-headers.ts';
import type { Upstream } from '../upstreams.ts';

export interface EventStreamProxyOptions {
  /** How long the upstream may take to answer with its headers. */
  headersTimeoutMs: number;
  metrics: Registry;
}

export interface EventStreamProxy {
  /** Forwards one GET to `upstream` and streams its answer to the client. */
  forward(request: FastifyRequest, reply: FastifyReply, upstream: Upstream): Promise<FastifyReply>;
  /** Ends every open stream cleanly (gateway shutdown). */
  endAll(): void;
  /** Closes the pools. */
  close(): Promise<void>;
}

const MAX_ERROR_BODY_BYTES = 64 * 1024;

function isEventStream(contentType: unknown): boolean {
  return typeof contentType === 'string' && contentType.toLowerCase().startsWith('text/event-stream');
}

function parseErrorBody(text: string, contentType: unknown): unknown {
  if (typeof contentType === 'string' && contentType.includes('json')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

export function createEventStreamProxy(options: EventStreamProxyOptions): EventStreamProxy {
  const pools = new Map<string, Pool>();
  const open = new Set<() => void>();
  const gauge = new Gauge({
    name: 'gateway_event_streams_open',
    help: 'Server-Sent Event streams the gateway is forwarding right now',
    registers: [options.metrics],
  });

  function poolFor(baseUrl: string): { pool: Pool; prefix: string } {
    const url = new URL(baseUrl);
    let pool = pools.get(url.origin);
    if (!pool) {
      pool = new Pool(url.origin, {
        headersTimeout: options.headersTimeoutMs,
        bodyTimeout: 0,
        keepAliveTimeout: 10_000,
      });
      pools.set(url.origin, pool);
    }
    return { pool, prefix: url.pathname.replace(/\/$/, '') };
  }

  async function connect(upstream: Upstream, request: FastifyRequest, signal: AbortSignal) {
    const context = currentRequestContext();
    const headers: Record<string, string> = {
      ...upstreamRequestHeaders(request.headers, request.ip, request.protocol),
      accept: 'text/event-stream',
      [TRACEPARENT_HEADER]: outgoingTraceparent(context?.trace),
    };
    if (context) headers[REQUEST_ID_HEADER] = context.requestId;
    const candidates = upstream.candidates();
    for (let index = 0; ; index += 1) {
      const replica = candidates[index];
      if (replica === undefined) throw new Error('unreachable');
      const { pool, prefix } = poolFor(replica.baseUrl);
      try {
        return await pool.request({ method: 'GET', path: prefix + request.url, headers, signal });
      } catch (error) {
        if (signal.aborted) throw error;
        const name = error instanceof Error ? error.name : '';
        if (name === 'HeadersTimeoutError') throw new UpstreamTimeoutError(upstream.name, options.headersTimeoutMs);
        // Refused, reset: a GET opens nothing, so the next replica may take it.
        if (index === candidates.length - 1) {
          const reason = error instanceof Error ? error.message : String(error);
          throw new UnavailableError(`${upstream.name}: unreachable (${reason})`, { code: 'upstream-unavailable' });
        }
      }
    }
  }

  return {
    async forward(request, reply, upstream) {
      const controller = new AbortController();
      // The client may leave before the upstream answers: stop waiting for it.
      // (The response's 'close', not the request's: a request emits 'close' as soon as it is read.)
      const onClientGone = () => controller.abort();
      reply.raw.once('close', onClientGone);
      let response: Awaited<ReturnType<typeof connect>>;
      try {
        response = await connect(upstream, request, controller.signal);
      } catch (error) {
        reply.raw.off('close', onClientGone);
        throw error;
      }

      if (response.statusCode !== 200 || !isEventStream(response.headers['content-type'])) {
        reply.raw.off('close', onClientGone);
        const text = (await response.body.text()).slice(0, MAX_ERROR_BODY_BYTES);
        if ([502, 503, 504].includes(response.statusCode)) {
          throw new UnavailableError(`${upstream.name}: answered ${response.statusCode}`, {
            code: 'upstream-unavailable',
          });
        }
        if (response.statusCode >= 400) {
          throw new UpstreamResponseError(
            upstream.name,
            response.statusCode,
            parseErrorBody(text, response.headers['content-type']),
          );
        }
        return reply.code(response.statusCode).headers(clientResponseHeaders(response.headers)).send(text);
      }

      const body = response.body;
      const out = new PassThrough();
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        open.delete(end);
        gauge.dec();
        reply.raw.off('close', onClientGone);
        body.unpipe(out);
        // Ending our side first makes the client see a complete response; then the upstream is released.
        if (!out.writableEnded) out.end();
        controller.abort();
        body.destroy();
      };
      open.add(end);
      gauge.inc();
      body.once('end', end);
      body.once('error', end);
      // The client went away (or Fastify destroyed the response): close the upstream request.
      out.once('close', end);
      reply.raw.once('close', end);
      body.pipe(out);

      return reply
        .code(200)
        .headers(clientResponseHeaders(response.headers))
        .header('cache-control', 'no-cache')
        .header('x-accel-buffering', 'no')
        .send(out);
    },
    endAll() {
      for (const end of [...open]) end();
    },
    async close() {
      await Promise.all([...pools.values()].map((pool) => pool.close()));
    },
  };
}
