// The HTTP side of the engine: one undici Pool per target, keep-alive connections, a fixed connection
// count. The engine never hands the pool more requests than it has connections × pipelining, so a request
// is written to a socket as soon as `send` is called and "service time" really starts at the send; any
// waiting happens in the engine's own backlog, where it is measured (see open-loop.ts).
import { Agent, Pool } from 'undici';
import { isOperation, type OperationClient, type RequestSpec, type Work } from '../scenario.ts';
import { checkTarget } from './target-guard.ts';

export interface HttpTargetOptions {
  url: string | URL;
  connections: number;
  /** Requests in flight per connection (HTTP/1.1 pipelining). 1 = none, which is what browsers and most clients do. */
  pipelining?: number;
  /** A request that has not completed within this time is an error of kind `timeout`. */
  timeoutMs: number;
  allowedHosts?: readonly string[];
}

export type Outcome = { ok: true; status: number } | { ok: false; status?: number; errorKind: string };

export interface HttpTarget {
  readonly baseUrl: URL;
  /** The most requests that can be on the wire at once: connections × pipelining. */
  readonly capacity: number;
  /** One request, or one multi-request operation (it holds one in-flight slot throughout). */
  send(work: Work): Promise<Outcome>;
  close(): Promise<void>;
}

/** Maps a transport failure to a short, stable kind for the error table. */
export function classifyError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  switch (code) {
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'timeout';
    case 'ECONNREFUSED':
      return 'connection-refused';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return 'connection-reset';
    default:
      return typeof code === 'string' ? code.toLowerCase() : 'other';
  }
}

export function createHttpTarget(options: HttpTargetOptions): HttpTarget {
  const baseUrl = checkTarget(options.url, options.allowedHosts);
  const pipelining = options.pipelining ?? 1;
  const pool = new Pool(baseUrl.origin, {
    connections: options.connections,
    pipelining,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    connectTimeout: options.timeoutMs,
    keepAliveTimeout: 30_000,
  });
  const basePath = baseUrl.pathname.replace(/\/$/, '');
  const targetPath = (path: string) => (path.startsWith('/') ? `${basePath}${path}` : `${basePath}/${path}`);
  // Operations may reach another origin (a presigned upload to object storage): a separate, lazily made client.
  let elsewhere: Agent | undefined;
  const otherOrigins = () => {
    elsewhere ??= new Agent({
      connections: options.connections,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connectTimeout: options.timeoutMs,
    });
    return elsewhere;
  };

  const operationClient: OperationClient = {
    async request(request) {
      const absolute = /^https?:\/\//.test(request.path) ? new URL(request.path) : undefined;
      const init = { method: request.method, headers: request.headers, body: request.body };
      const response =
        absolute === undefined
          ? await pool.request({ ...init, path: targetPath(request.path) })
          : absolute.origin === baseUrl.origin
            ? await pool.request({ ...init, path: `${absolute.pathname}${absolute.search}` })
            : await otherOrigins().request({
                ...init,
                origin: absolute.origin,
                path: `${absolute.pathname}${absolute.search}`,
              });
      return { status: response.statusCode, headers: response.headers, body: await response.body.text() };
    },
  };

  async function sendRequest(spec: RequestSpec): Promise<Outcome> {
    const response = await pool.request({
      method: spec.method,
      path: targetPath(spec.path),
      headers: spec.headers,
      body: spec.body,
    });
    // The body must be read to the end, or the connection cannot be reused; its content is not needed.
    await response.body.dump({ limit: Number.MAX_SAFE_INTEGER });
    const status = response.statusCode;
    return spec.expectedStatuses.includes(status)
      ? { ok: true, status }
      : { ok: false, status, errorKind: `http-${status}` };
  }

  return {
    baseUrl,
    capacity: options.connections * pipelining,
    async send(work) {
      try {
        return isOperation(work) ? await work.run(operationClient) : await sendRequest(work);
      } catch (error) {
        return { ok: false, errorKind: classifyError(error) };
      }
    },
    close: async () => {
      await pool.close();
      await elsewhere?.close();
    },
  };
}
