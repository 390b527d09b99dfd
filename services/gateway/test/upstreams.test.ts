// Several replicas behind one upstream name: round-robin, an open circuit skipped, idempotent calls
// failing over to the next replica, and a call that is not idempotent never sent twice.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type App, createApp } from '@scalegram/kit/app';
import Fastify from 'fastify';
import { Registry } from 'prom-client';
import { createUpstreamClients, type Upstream } from '../src/upstreams.ts';
import { listen } from './support/fake-upstreams.ts';

const quiet = { write: () => undefined };
const apps: App[] = [];
const posts: string[] = [];

function replica(name: string): App {
  const app = createApp({ name, version: '1', logDestination: quiet });
  app.register(async (routes: App) => {
    routes.get('/who', async () => ({ name }));
    routes.post('/things', async () => {
      posts.push(name);
      return { name };
    });
  });
  apps.push(app);
  return app;
}

/** A port that refuses connections: listen, note the port, close. */
async function refusedUrl(): Promise<string> {
  const server = Fastify();
  await server.listen({ port: 0, host: '127.0.0.1' });
  const { port } = server.server.address() as { port: number };
  await server.close();
  return `http://127.0.0.1:${port}`;
}

let urls: { a: string; b: string; down: string };
const logger = Fastify({ logger: false }).log;

beforeAll(async () => {
  urls = { a: await listen(replica('a')), b: await listen(replica('b')), down: await refusedUrl() };
});

afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
});

function upstream(baseUrls: string[], breakerFailures = 5): Upstream {
  const clients = createUpstreamClients(
    [{ name: 'svc', baseUrls, timeoutMs: 1000 }],
    { breakerFailures, breakerHalfOpenAfterMs: 60_000 },
    { logger, metrics: new Registry() },
  );
  return clients.get('svc') as Upstream;
}

describe('an upstream with several replicas', () => {
  it('balances round-robin', async () => {
    const svc = upstream([urls.a, urls.b]);
    const names = [];
    for (let i = 0; i < 4; i += 1) names.push((await svc.get<{ name: string }>('/who')).name);
    expect(names).toEqual(['a', 'b', 'a', 'b']);
    await svc.close();
  });

  it('fails an idempotent call over to the next replica, then skips the open circuit', async () => {
    const svc = upstream([urls.down, urls.a], 1);
    // First call starts at the dead replica: refused (its circuit opens), then answered by a.
    expect((await svc.get<{ name: string }>('/who')).name).toBe('a');
    expect(svc.replicas[0]?.client.breakerState).toBe('open');
    // From now on the open replica is tried last, so every call goes to a first.
    for (let i = 0; i < 3; i += 1) expect((await svc.get<{ name: string }>('/who')).name).toBe('a');
    await svc.close();
  });

  it('never sends a call that is not idempotent to a second replica', async () => {
    const svc = upstream([urls.down, urls.b]);
    posts.length = 0;
    await expect(svc.post('/things', {})).rejects.toMatchObject({ name: 'UnavailableError' });
    expect(posts).toEqual([]);
    // The next one starts at b (round-robin) and is served there, once.
    await svc.post('/things', {});
    expect(posts).toEqual(['b']);
    await svc.close();
  });
});
