// Small real HTTP servers on loopback for the engine tests: they count what they receive, so assertions
// are about what actually arrived, not what the generator believes it sent.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface TestServer {
  url: string;
  received: () => number;
  /** Request paths in arrival order. */
  paths: string[];
  /** Arrival times (performance.now(), ms), in order. */
  arrivals: number[];
  close: () => Promise<void>;
}

export interface TestServerOptions {
  delayMs?: number;
  status?: number;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  let received = 0;
  const paths: string[] = [];
  const arrivals: number[] = [];
  const server: Server = createServer((request, response) => {
    received++;
    paths.push(request.url ?? '');
    arrivals.push(performance.now());
    request.resume();
    const reply = () => {
      response.writeHead(options.status ?? 200, { 'content-type': 'application/json' });
      response.end('{"ok":true}');
    };
    if (options.delayMs) setTimeout(reply, options.delayMs);
    else reply();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received: () => received,
    paths,
    arrivals,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A loopback port with nothing listening: bind, note the port, close. */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
