// The composed routes against the REAL post, user and media services (in-process, scratch Postgres
// databases) and doubles of the feed and search services that speak exactly their contracts. The
// doubles are for what the real ones cannot be made to do on cue: list a post that was deleted a moment
// ago, or answer a bad cursor; test/system-e2e.test.ts runs the same routes over the real feed and
// search services. Covered here: hydration (post, author, media URLs in the post's order, likedByMe),
// a post deleted between the feed read and the batch, lookups that degrade (partial/missing), 503 when
// the feed or post service is down, and search.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createAccessTokenVerifier } from '@scalegram/kit/access-token';
import type { App } from '@scalegram/kit/app';
import { createMemoryStore } from '@scalegram/kv/memory-store';
import { buildGatewayApp, type GatewayDeps } from '../src/app.ts';
import { type ContentServices, startContentServices, type TestUser } from './support/content-services.ts';
import { type FakeFeed, type FakeSearch, fakeFeedService, fakeSearchService } from './support/fake-feed-search.ts';
import { listen } from './support/fake-upstreams.ts';
import { AUDIENCE, ISSUER } from './support/signing-keys.ts';

const quiet = { write: () => undefined };
// Nothing listens on port 9 (discard): connections are refused at once.
const DOWN = 'http://127.0.0.1:9';

let services: ContentServices;
let feed: FakeFeed;
let search: FakeSearch;
let feedUrl: string;
let searchUrl: string;
const gateways: App[] = [];

let alice: TestUser;
let bob: TestUser;
let viewer: TestUser;
const posts: Record<'a1' | 'a2' | 'b1', string> = { a1: '', a2: '', b1: '' };
const images: string[] = [];

async function gateway(urls: Partial<Record<'post' | 'user' | 'media' | 'feed' | 'search', string>> = {}) {
  const all = {
    post: services.urls.post,
    user: services.urls.user,
    media: services.urls.media,
    feed: feedUrl,
    search: searchUrl,
    ...urls,
  };
  const deps: GatewayDeps = {
    kv: createMemoryStore(),
    verifier: createAccessTokenVerifier({ jwks: services.jwksUrl, issuer: ISSUER, audience: AUDIENCE }),
    upstreams: [
      { name: 'auth', baseUrls: [services.urls.auth], timeoutMs: 2000 },
      ...Object.entries(all).map(([name, url]) => ({ name, baseUrls: [url], timeoutMs: 2000 })),
    ],
    rateLimit: { enabled: false, limit: 50, windowMs: 60_000, failOpen: true },
    breaker: { breakerFailures: 5, breakerHalfOpenAfterMs: 10_000 },
    trustProxy: false,
    corsOrigins: [],
    bodyLimit: 64 * 1024,
    openApiRefreshMs: 60_000,
    logDestination: quiet,
  };
  const app = buildGatewayApp(deps);
  gateways.push(app);
  await app.ready();
  return app;
}

let main: App;

beforeAll(async () => {
  services = await startContentServices();
  feed = fakeFeedService(services.jwksUrl);
  search = fakeSearchService(services.jwksUrl);
  [feedUrl, searchUrl] = [await listen(feed.app), await listen(search.app)];
  [alice, bob, viewer] = [await services.user(), await services.user(), await services.user()];
  images.push(await services.readyImage(alice), await services.readyImage(alice), await services.readyImage(bob));
  // Alice's first post carries her two images in the order she chose (second, then first).
  posts.a1 = await services.createPost(alice, 'sunset at the pier', [images[1] as string, images[0] as string]);
  posts.a2 = await services.createPost(alice, 'just text');
  posts.b1 = await services.createPost(bob, 'my cat', [images[2] as string]);
  await services.like(viewer, posts.a1);
  await services.like(viewer, posts.b1);
  feed.timelines.set(viewer.id, [
    { postId: posts.b1, authorId: bob.id },
    { postId: posts.a2, authorId: alice.id },
    { postId: posts.a1, authorId: alice.id },
  ]);
  main = await gateway();
}, 60_000);

afterAll(async () => {
  await Promise.all(gateways.map((app) => app.close()));
  await Promise.all([feed?.app.close(), search?.app.close()]);
  await services?.close();
}, 30_000);

interface Item {
  post: { id: string; text: string; authorId: string; mediaIds: string[]; likeCount: number };
  author: { id: string; username: string } | null;
  media: { id: string; variants: Record<string, { url: string; width: number }> }[];
  likedByMe: boolean | null;
  score?: number;
}

const get = (app: App, url: string, user: TestUser | null = viewer) =>
  app.inject({ method: 'GET', url, headers: user ? user.headers : {} });

describe('GET /api/v1/feed (hydrated)', () => {
  it('answers posts with their authors, media URLs in the post order and likedByMe, page by page', async () => {
    const first = await get(main, '/api/v1/feed?limit=2');
    expect(first.statusCode).toBe(200);
    expect(first.headers['cache-control']).toBe('private, no-store');
    const page = first.json() as { items: Item[]; nextCursor: string | null; partial: boolean; missing: string[] };
    expect(page.partial).toBe(false);
    expect(page.missing).toEqual([]);
    expect(page.items.map((item) => item.post.id)).toEqual([posts.b1, posts.a2]);
    const [cat, text] = page.items as [Item, Item];
    expect(cat.post).toMatchObject({ text: 'my cat', authorId: bob.id, likeCount: 1 });
    expect(cat.author).toMatchObject({ id: bob.id, username: bob.username });
    expect(cat.likedByMe).toBe(true);
    expect(cat.media.map((media) => media.id)).toEqual([images[2]]);
    expect(cat.media[0]?.variants.large?.url).toMatch(/^https?:\/\//);
    expect(cat.media[0]?.variants.large?.width).toBe(1080);
    expect(text).toMatchObject({ author: { username: alice.username }, media: [], likedByMe: false });
    expect(feed.lastQuery).toEqual({ limit: '2' });

    const second = await get(main, `/api/v1/feed?limit=2&cursor=${page.nextCursor}`);
    const rest = second.json() as { items: Item[]; nextCursor: string | null };
    expect(rest.nextCursor).toBeNull();
    const [sunset] = rest.items as [Item];
    expect(sunset.post.id).toBe(posts.a1);
    expect(sunset.media.map((media) => media.id)).toEqual([images[1], images[0]]);
    expect(sunset.likedByMe).toBe(true);
  });

  it('leaves out a post deleted between the feed read and the batch, without an error', async () => {
    const doomed = await services.createPost(bob, 'gone soon');
    feed.timelines.set(bob.id, [
      { postId: doomed, authorId: bob.id },
      { postId: posts.a1, authorId: alice.id },
    ]);
    await services.deletePost(bob, doomed);
    const response = await get(main, '/api/v1/feed', bob);
    expect(response.statusCode).toBe(200);
    const page = response.json() as { items: Item[]; partial: boolean };
    expect(page.items.map((item) => item.post.id)).toEqual([posts.a1]);
    expect(page.items[0]?.likedByMe).toBe(false);
    expect(page.partial).toBe(false);
  });

  it('answers an empty timeline with no batch calls', async () => {
    const nobody = await services.user();
    const response = await get(main, '/api/v1/feed', nobody);
    expect(response.json()).toEqual({ items: [], nextCursor: null, partial: false, missing: [] });
  });

  it('degrades when media, likes or authors cannot be looked up, and says so', async () => {
    const noMedia = await gateway({ media: DOWN });
    const response = await get(noMedia, '/api/v1/feed');
    expect(response.statusCode).toBe(200);
    const page = response.json() as { items: Item[]; partial: boolean; missing: string[] };
    expect(page).toMatchObject({ partial: true, missing: ['media'] });
    expect(page.items.map((item) => [item.post.id, item.media, item.likedByMe])).toEqual([
      [posts.b1, [], true],
      [posts.a2, [], false],
      [posts.a1, [], true],
    ]);

    const noUsers = await gateway({ user: DOWN });
    const partial = (await get(noUsers, '/api/v1/feed')).json() as { items: Item[]; missing: string[] };
    expect(partial.missing).toEqual(['authors']);
    expect(partial.items.map((item) => item.author)).toEqual([null, null, null]);
    expect(partial.items[0]?.media).toHaveLength(1);
  });

  it('answers 503 when the feed or the post service is down, and passes the feed 4xx through', async () => {
    const noFeed = await get(await gateway({ feed: DOWN }), '/api/v1/feed');
    expect(noFeed.statusCode).toBe(503);
    expect(noFeed.headers['content-type']).toContain('application/problem+json');
    expect(noFeed.json()).toMatchObject({ code: 'upstream-unavailable' });
    const noPosts = await get(await gateway({ post: DOWN }), '/api/v1/feed');
    expect(noPosts.statusCode).toBe(503);

    const badCursor = await get(main, '/api/v1/feed?cursor=bm9wZQ');
    expect(badCursor.statusCode).toBe(400);
    expect(badCursor.json()).toMatchObject({ code: 'invalid-cursor' });
    expect((await get(main, '/api/v1/feed?limit=0')).statusCode).toBe(400);
    expect((await get(main, '/api/v1/feed', null)).statusCode).toBe(401);
  });
});

describe('hydrated search', () => {
  it('GET /api/v1/search/posts keeps the search order and scores and hydrates each hit', async () => {
    search.hits = [
      { postId: posts.a1, authorId: alice.id, score: 0.91 },
      { postId: '1234', authorId: bob.id, score: 0.7 }, // indexed, deleted since: left out
      { postId: posts.b1, authorId: bob.id, score: 0.42 },
    ];
    const response = await get(main, `/api/v1/search/posts?q=sunset&limit=5&authorId=${alice.id}`);
    expect(response.statusCode).toBe(200);
    const results = response.json() as { items: Item[]; partial: boolean };
    expect(results.items.map((item) => [item.post.id, item.score, item.likedByMe])).toEqual([
      [posts.a1, 0.91, true],
      [posts.b1, 0.42, true],
    ]);
    expect(results.items[0]?.author?.username).toBe(alice.username);
    expect(results.items[0]?.media.map((media) => media.id)).toEqual([images[1], images[0]]);
    expect(search.lastQuery).toEqual({ q: 'sunset', limit: '5', authorId: alice.id });
    expect((await get(main, '/api/v1/search/posts')).statusCode).toBe(400);
  });

  it('GET /api/v1/posts/:id/similar is composed by the gateway; an unknown post is the search 404', async () => {
    search.similar.set(posts.a1, [{ postId: posts.a2, authorId: alice.id, score: 0.5 }]);
    const response = await get(main, `/api/v1/posts/${posts.a1}/similar?limit=3`);
    expect(response.statusCode).toBe(200);
    expect((response.json() as { items: Item[] }).items.map((item) => [item.post.text, item.score])).toEqual([
      ['just text', 0.5],
    ]);
    expect(search.lastQuery).toEqual({ limit: '3' });
    const unknown = await get(main, '/api/v1/posts/999/similar');
    expect(unknown.statusCode).toBe(404);
    // The rest of /api/v1/posts/* still goes to the post service.
    const plain = await get(main, `/api/v1/posts/${posts.a2}`);
    expect(plain.statusCode).toBe(200);
    expect(plain.json()).toMatchObject({ id: posts.a2, text: 'just text' });
  });
});

describe('anonymous callers of the composed routes', () => {
  it.each([
    '/api/v1/feed?limit=0',
    '/api/v1/search/posts?limit=-1',
    '/api/v1/search/posts',
    '/api/v1/posts/not-an-id/similar?limit=abc',
  ])('get 401 before their input is validated: %s', async (url) => {
    const response = await get(main, url, null);
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.json()).toMatchObject({ code: 'unauthenticated' });
    expect(response.json()).not.toHaveProperty('errors');
  });
});

describe('the composed routes in the public OpenAPI document', () => {
  it('lists them beside the services’ own paths, with their schemas', async () => {
    const response = await main.inject({ method: 'GET', url: '/docs/json' });
    const document = response.json() as {
      paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(document.paths['/api/v1/feed']?.get?.responses).toHaveProperty('200');
    expect(document.paths['/api/v1/search/posts']).toHaveProperty('get');
    expect(document.paths['/api/v1/posts/{id}/similar']).toHaveProperty('get');
    expect(document.paths['/api/v1/posts/{id}']).toHaveProperty('get'); // from the post service
    expect(Object.keys(document.paths).some((path) => path.startsWith('/internal'))).toBe(false);
    for (const name of ['HydratedFeedPage', 'HydratedPost', 'HydratedSearchResults', 'Post', 'Media', 'UserSummary']) {
      expect(document.components.schemas).toHaveProperty(name);
    }
  });
});
