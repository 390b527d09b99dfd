// The composed routes and the notification stream against the REAL services, on one in-process bus:
// user, post and media (scratch Postgres databases), the feed API and its fan-out worker, search
// (embedded vector index) and TWO notification replicas behind one comma-separated upstream list.
// Events flow as in production: a follow backfills, a post fans out, a post is indexed, a follow
// becomes a notification pushed live from whichever replica serves the stream.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createAccessTokenVerifier } from '@scalegram/kit/access-token';
import type { App } from '@scalegram/kit/app';
import { createMemoryStore } from '@scalegram/kv/memory-store';
import { Agent, fetch as undiciFetch } from 'undici';
import { buildGatewayApp } from '../src/app.ts';
import type { TestUser } from './support/content-services.ts';
import { type EventServices, startEventServices } from './support/event-services.ts';
import { readUntil } from './support/fake-event-stream.ts';
import { listen } from './support/fake-upstreams.ts';
import { AUDIENCE, ISSUER } from './support/signing-keys.ts';

const quiet = { write: () => undefined };
const HEARTBEAT_MS = 300;

let system: EventServices;
let gateway: App;
let base: string;
const client = new Agent();
const readers: ReadableStreamDefaultReader<Uint8Array>[] = [];

const fetch = (url: string, headers: Record<string, string> = {}) => undiciFetch(url, { headers, dispatcher: client });

async function json<T>(user: TestUser, path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${base}${path}`, user.headers);
  return { status: response.status, body: (await response.json()) as T };
}

/** Polls until `check` passes: the services converge through events, asynchronously. */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`did not converge: ${JSON.stringify(value).slice(0, 500)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  system = await startEventServices({ notificationReplicas: 2, heartbeatMs: HEARTBEAT_MS });
  gateway = buildGatewayApp({
    kv: createMemoryStore(),
    verifier: createAccessTokenVerifier({ jwks: system.jwksUrl, issuer: ISSUER, audience: AUDIENCE }),
    upstreams: [
      { name: 'auth', baseUrls: [system.urls.auth], timeoutMs: 2000 },
      { name: 'user', baseUrls: [system.urls.user], timeoutMs: 2000 },
      { name: 'post', baseUrls: [system.urls.post], timeoutMs: 2000 },
      { name: 'media', baseUrls: [system.urls.media], timeoutMs: 2000 },
      { name: 'feed', baseUrls: [system.feedUrl], timeoutMs: 5000 },
      { name: 'search', baseUrls: [system.searchUrl], timeoutMs: 2000 },
      { name: 'notification', baseUrls: system.notificationUrls, timeoutMs: 2000 },
    ],
    rateLimit: { enabled: false, limit: 50, windowMs: 60_000, failOpen: true },
    breaker: { breakerFailures: 5, breakerHalfOpenAfterMs: 10_000 },
    trustProxy: false,
    corsOrigins: [],
    bodyLimit: 64 * 1024,
    openApiRefreshMs: 60_000,
    logDestination: quiet,
  });
  base = await listen(gateway);
}, 90_000);

afterAll(async () => {
  await Promise.all(readers.map((reader) => reader.cancel().catch(() => undefined)));
  await client.destroy();
  await gateway?.close();
  await system?.closeAll();
}, 60_000);

interface Item {
  post: { id: string; text: string };
  author: { id: string; username: string } | null;
  media: { id: string; variants: Record<string, { url: string }> }[];
  likedByMe: boolean | null;
  score?: number;
}

describe('the composed routes over the real feed and search services', () => {
  it('serves a hydrated home feed built by fan-out, and likedByMe follows the likes', async () => {
    const [reader, author] = [await system.user(), await system.user()];
    await system.follow(reader, author);
    const image = await system.readyImage(author);
    const postId = await system.createPost(author, 'lighthouse at dawn', [image]);

    const page = await eventually(
      () => json<{ items: Item[]; partial: boolean }>(reader, '/api/v1/feed'),
      ({ body }) => body.items?.some((item) => item.post.id === postId),
    );
    expect(page.status).toBe(200);
    expect(page.body.partial).toBe(false);
    const item = page.body.items.find((entry) => entry.post.id === postId) as Item;
    expect(item.author).toMatchObject({ id: author.id, username: author.username });
    expect(item.media.map((media) => media.id)).toEqual([image]);
    expect(item.media[0]?.variants.thumb?.url).toMatch(/^https?:\/\//);
    expect(item.likedByMe).toBe(false);

    await system.like(reader, postId);
    const liked = await json<{ items: Item[] }>(reader, '/api/v1/feed');
    expect(liked.body.items.find((entry) => entry.post.id === postId)?.likedByMe).toBe(true);
  });

  it('serves hydrated search results and similar posts from the real index', async () => {
    const author = await system.user();
    const first = await system.createPost(author, 'sourdough bread with a crisp crust');
    const second = await system.createPost(author, 'baking sourdough bread at home');
    const results = await eventually(
      () => json<{ items: Item[] }>(author, '/api/v1/search/posts?q=sourdough%20bread&limit=5'),
      ({ body }) => [first, second].every((id) => body.items?.some((item) => item.post.id === id)),
    );
    const hit = results.body.items.find((item) => item.post.id === first) as Item;
    expect(hit.author?.username).toBe(author.username);
    expect(typeof hit.score).toBe('number');
    const similar = await eventually(
      () => json<{ items: Item[] }>(author, `/api/v1/posts/${first}/similar?limit=3`),
      ({ status, body }) => status === 200 && body.items.some((item) => item.post.id === second),
    );
    expect(similar.body.items.every((item) => item.post.id !== first)).toBe(true);
  });
});

describe('the notification stream through the gateway, two replicas behind it', () => {
  it('both replicas deliver, the stream survives heartbeats, and Last-Event-ID resumes', async () => {
    const [carol, dave, erin] = [await system.user(), await system.user(), await system.user()];
    // Round-robin over the two replicas: the two streams land on different ones.
    const open = async (headers: Record<string, string>, query = '') => {
      const response = await fetch(`${base}/api/v1/notifications/stream${query}`, {
        accept: 'text/event-stream',
        ...headers,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      readers.push(reader);
      return { reader, seen: { text: '' } };
    };
    const one = await open(carol.headers);
    const two = await open({}, `?access_token=${carol.token}`);
    await readUntil(one.reader, 'retry:', 5000, one.seen);
    await readUntil(two.reader, 'retry:', 5000, two.seen);
    const gauges = await Promise.all(
      system.notificationUrls.map(async (url) => {
        const text = await (await fetch(`${url}/metrics`)).text();
        return Number(/^notification_sse_streams(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? 0);
      }),
    );
    expect(gauges).toEqual([1, 1]);

    // A heartbeat interval passes; the streams stay open.
    await readUntil(one.reader, ': ping', 5000, one.seen);
    await readUntil(two.reader, ': ping', 5000, two.seen);

    await system.follow(dave, carol);
    await readUntil(one.reader, 'event: notification', 15_000, one.seen);
    await readUntil(two.reader, 'event: notification', 15_000, two.seen);
    for (const { seen } of [one, two]) {
      expect(seen.text).toContain(`"actorIds":["${dave.id}"]`);
      expect(seen.text).toContain('"type":"follow"');
    }
    const firstId = /^id: (\d+)$/m.exec(one.seen.text)?.[1] as string;

    await system.follow(erin, carol);
    await readUntil(one.reader, `"actorIds":["${erin.id}"`, 15_000, one.seen);
    const secondId = [...one.seen.text.matchAll(/^id: (\d+)$/gm)].at(-1)?.[1];

    // Resume after the first event: only the second is replayed.
    const resumed = await open({ ...carol.headers, 'last-event-id': firstId });
    await readUntil(resumed.reader, `id: ${secondId}`, 10_000, resumed.seen);
    expect(resumed.seen.text).not.toContain(`id: ${firstId}\n`);
  });
});
