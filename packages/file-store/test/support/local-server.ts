// Runs the local store behind its Fastify routes on an ephemeral port, for tests and the benchmark.
// The store needs its public URL (with the port) before the routes are registered, so the HTTP
// server is bound first and handed to Fastify through `serverFactory`.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { localFileRoutes } from '../../src/local/local-file-routes.ts';
import { createLocalStore, type LocalFileStore } from '../../src/local/local-store.ts';

export interface LocalServerStore {
  store: LocalFileStore;
  app: FastifyInstance;
  directory: string;
  baseUrl: string;
  close(): Promise<void>;
}

export async function startLocalServerStore(
  maxUploadBytes = 64 * 1024 * 1024,
  /** Where the app's log lines go (JSON, one per line); none by default. */
  logStream?: { write(line: string): void },
): Promise<LocalServerStore> {
  const directory = await mkdtemp(join(tmpdir(), 'file-store-local-'));
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/files`;
  const store = createLocalStore({
    directory,
    signingSecret: 'test-secret-0123456789abcdef0123456789',
    publicBaseUrl: baseUrl,
    maxUploadBytes,
  });
  const app = Fastify({
    ...(logStream ? { logger: { level: 'info', stream: logStream } } : {}),
    serverFactory: (handler) => {
      server.on('request', handler);
      return server;
    },
  });
  await app.register(localFileRoutes, { store, prefix: '/files' });
  await app.ready();
  return {
    store,
    app,
    directory,
    baseUrl,
    async close() {
      await app.close();
      if (server.listening) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
      await store.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
