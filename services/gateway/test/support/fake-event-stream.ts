// A Server-Sent Events upstream for the gateway's stream tests: node:http, so every byte on the wire is
// the test's. It checks the bearer token against the JWKS, heartbeats on an interval, remembers what
// each stream was opened with (Last-Event-ID, query), and counts the streams still open, so a test can
// see a client disconnect reach it.
import { createServer, type ServerResponse } from 'node:http';
import { createAccessTokenVerifier } from '@scalegram/kit/access-token';
import { AUDIENCE, ISSUER } from './signing-keys.ts';

export interface FakeEventStream {
  url: string;
  /** The streams open right now. */
  open: Set<ServerResponse>;
  /** What each stream was opened with, in order. */
  opened: { lastEventId: string | undefined; url: string; authorization: string | undefined }[];
  /** Sends one `notification` event to every open stream. */
  publish(id: string, data: unknown): void;
  close(): Promise<void>;
}

export async function startFakeEventStream(options: {
  jwksUrl: string;
  heartbeatMs: number;
  name?: string;
}): Promise<FakeEventStream> {
  const verifier = createAccessTokenVerifier({ jwks: options.jwksUrl, issuer: ISSUER, audience: AUDIENCE });
  const open = new Set<ServerResponse>();
  const opened: FakeEventStream['opened'] = [];
  const server = createServer(async (request, response) => {
    if (!request.url?.startsWith('/api/v1/notifications/stream')) {
      response.writeHead(404, { 'content-type': 'application/problem+json' }).end('{"type":"x","code":"not-found"}');
      return;
    }
    const header = request.headers.authorization;
    try {
      await verifier.verify((header ?? '').replace(/^Bearer /, ''));
    } catch {
      response.writeHead(401, { 'content-type': 'application/problem+json' }).end(
        JSON.stringify({
          type: 'https://scalegram.dev/problems/invalid-token',
          title: 'Unauthorized',
          status: 401,
          code: 'invalid-token',
        }),
      );
      return;
    }
    opened.push({
      lastEventId: request.headers['last-event-id'] as string | undefined,
      url: request.url,
      authorization: header,
    });
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    response.write(`retry: 1000\n: hello from ${options.name ?? 'upstream'}\n\n`);
    open.add(response);
    const heartbeat = setInterval(() => response.write(': heartbeat\n\n'), options.heartbeatMs);
    response.on('close', () => {
      clearInterval(heartbeat);
      open.delete(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    open,
    opened,
    publish(id, data) {
      for (const response of open) response.write(`id: ${id}\nevent: notification\ndata: ${JSON.stringify(data)}\n\n`);
    },
    async close() {
      for (const response of open) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Reads an event stream until `text` has arrived (or fails after `timeoutMs`); returns what was read. */
export async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  text: string,
  timeoutMs = 5000,
  seen: { text: string } = { text: '' },
): Promise<string> {
  const decoder = new TextDecoder();
  const deadline = Date.now() + timeoutMs;
  while (!seen.text.includes(text)) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new Error(`"${text}" did not arrive; got ${JSON.stringify(seen.text)}`);
    let timer: NodeJS.Timeout | undefined;
    const chunk = await Promise.race([
      reader.read(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`"${text}" did not arrive in time; got ${JSON.stringify(seen.text)}`)),
          remaining,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    if (chunk.done) throw new Error(`stream ended before "${text}"; got ${JSON.stringify(seen.text)}`);
    seen.text += decoder.decode(chunk.value, { stream: true });
  }
  return seen.text;
}

/** Waits until `condition` holds (polling), for effects that cross a socket. */
export async function eventually(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
