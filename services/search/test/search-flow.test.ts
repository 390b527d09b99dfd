// The search service end to end over a real NATS JetStream: post events published on a (per-run) POSTS
// stream are consumed into the index, and the HTTP API finds them, filters them and stops finding them.
// Runs against the embedded vector index always, and against Qdrant as well when QDRANT_URL is set.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Event } from '@scalegram/contracts/events';
import { eventually, postCreated, postDeleted, postUpdated, type TestPost } from './support/post-events.ts';
import { type SearchHarness, startSearchHarness } from './support/search-harness.ts';

const adapters: [string, string | undefined][] = [['embedded index', undefined]];
if (process.env.QDRANT_URL) adapters.push(['Qdrant', process.env.QDRANT_URL]);

let nextId = (1n << 60n) + BigInt(Math.floor(Math.random() * 1e9)) * 1024n;
const newPostId = () => (nextId++).toString();
let nextAuthor = 7000;
const newAuthorId = () => String(nextAuthor++);

describe.each(adapters)('search over the POSTS stream (%s)', (_name, qdrantUrl) => {
  let h: SearchHarness;

  beforeAll(async () => {
    h = await startSearchHarness(qdrantUrl === undefined ? {} : { qdrantUrl });
  });

  afterAll(async () => {
    await h?.close();
  });

  const ids = async (url: string) => {
    const response = await h.get(url);
    expect(response.statusCode).toBe(200);
    return response.json().items.map((hit) => hit.postId);
  };
  const search = (q: string, extra = '') => ids(`/api/v1/search/posts?q=${encodeURIComponent(q)}${extra}`);

  /** Publishes events, then a marker post, and waits until the marker is searchable: the consumer
   * handles one stream in order, so every event before it has been applied by then. */
  async function publishAndSettle(...events: Event[]): Promise<void> {
    for (const event of events) await h.publish(event);
    const marker = { postId: newPostId(), authorId: '1', text: `marker${nextId} zebracorn` };
    await h.publish(postCreated(marker));
    await eventually(async () => expect(await search(marker.text)).toContain(marker.postId));
  }

  const ALICE = newAuthorId();
  const BOB = newAuthorId();

  it('finds a post after post.created and stops finding it after post.deleted', async () => {
    const post = { postId: newPostId(), authorId: ALICE, text: 'Baked my first sourdough loaf, crusty bread at last' };
    await h.publish(postCreated(post));
    await eventually(async () => expect((await search('sourdough bread'))[0]).toBe(post.postId));

    const response = await h.get(`/api/v1/search/posts?q=sourdough`);
    expect(response.json().items[0]).toEqual({ postId: post.postId, authorId: ALICE, score: expect.any(Number) });

    await h.publish(postDeleted(post));
    await eventually(async () => expect(await search('sourdough bread')).not.toContain(post.postId));
    expect((await h.get(`/api/v1/posts/${post.postId}/similar`)).statusCode).toBe(404);
  });

  it('similar posts never include the post itself; 404 problem for a post not indexed', async () => {
    const posts: TestPost[] = [
      { postId: newPostId(), authorId: ALICE, text: 'Marathon training: long run of 30 km this morning' },
      { postId: newPostId(), authorId: BOB, text: 'Long run training for the marathon, legs are tired' },
      { postId: newPostId(), authorId: BOB, text: 'Repotted the orchids and watered the basil' },
    ];
    await publishAndSettle(...posts.map((post) => postCreated(post)));
    const similar = await ids(`/api/v1/posts/${posts[0]!.postId}/similar?limit=50`);
    expect(similar).not.toContain(posts[0]!.postId);
    expect(similar[0]).toBe(posts[1]!.postId);

    const missing = await h.get(`/api/v1/posts/${newPostId()}/similar`);
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    expect(missing.json()).toMatchObject({ status: 404, code: 'post-not-indexed' });
  });

  it('filters by author and by creation time (since inclusive, until exclusive)', async () => {
    const [ALICE, BOB] = [newAuthorId(), newAuthorId()];
    const day = (n: number) => new Date(Date.UTC(2026, 0, n));
    const posts: TestPost[] = [
      {
        postId: newPostId(),
        authorId: ALICE,
        text: 'Kayaking on the fjord, paddles and cold water',
        createdAt: day(1),
      },
      { postId: newPostId(), authorId: BOB, text: 'Kayaking the fjord again, paddles wet', createdAt: day(2) },
      { postId: newPostId(), authorId: ALICE, text: 'Kayaking trip on the fjord with new paddles', createdAt: day(3) },
    ];
    await publishAndSettle(...posts.map((post) => postCreated(post)));
    const [first, second, third] = posts.map((post) => post.postId);
    expect(new Set((await search('kayaking fjord paddles')).slice(0, 3))).toEqual(new Set([first, second, third]));
    expect(new Set(await search('kayaking fjord paddles', `&authorId=${ALICE}`))).toEqual(new Set([first, third]));
    const window = `&since=${day(2).toISOString()}&until=${day(3).toISOString()}`;
    expect(await search('kayaking fjord paddles', window)).toEqual([second]);
    expect(await search('kayaking fjord paddles', `&authorId=${ALICE}${window}`)).toEqual([]);
    expect(await search('kayaking fjord paddles', '&limit=1')).toHaveLength(1);
  });

  it('applies updates in order: a redelivered create does not roll back an edit, an update after the delete does not resurrect', async () => {
    const t = Date.now();
    const v1 = { postId: newPostId(), authorId: BOB, text: 'Espresso machine descaling guide' };
    const v2 = { ...v1, text: 'Glacier hiking with crampons and ice axes' };
    const created = postCreated(v1, new Date(t));
    await publishAndSettle(created, postUpdated(v2, new Date(t + 1000)));
    expect(await search('glacier crampons')).toContain(v1.postId);
    expect(await search('espresso descaling')).not.toContain(v1.postId);

    // The create delivered again (another de-duplication id, as a redelivery after the window would be).
    await h.publish({ ...created, id: `${created.id}-again` });
    await publishAndSettle();
    expect(await search('glacier crampons')).toContain(v1.postId);
    expect(await search('espresso descaling')).not.toContain(v1.postId);

    // Deleted, then an update (and the create) arriving late: the post stays gone.
    await publishAndSettle(
      postDeleted(v1, new Date(t + 2000)),
      postUpdated({ ...v1, text: 'Espresso again' }, new Date(t + 3000)),
      { ...created, id: `${created.id}-late` },
    );
    expect(await search('glacier crampons')).not.toContain(v1.postId);
    expect(await search('espresso')).not.toContain(v1.postId);
    expect((await h.get(`/api/v1/posts/${v1.postId}/similar`)).statusCode).toBe(404);
  });

  it('an edit that leaves no words removes the post; a query with no words finds nothing', async () => {
    const post = { postId: newPostId(), authorId: ALICE, text: 'Volcano eruption photos from Iceland' };
    await publishAndSettle(postCreated(post), postUpdated({ ...post, text: '🌋🌋 !!!' }, new Date(Date.now() + 1000)));
    expect(await search('volcano eruption iceland')).not.toContain(post.postId);
    expect(await search('!!!')).toEqual([]);
  });

  it('refuses anonymous callers (401) and bad queries (400), and is ready', async () => {
    const anonymous = await h.app.inject({ method: 'GET', url: '/api/v1/search/posts?q=x' });
    expect(anonymous.statusCode).toBe(401);
    for (const url of [
      '/api/v1/search/posts',
      `/api/v1/search/posts?q=${'x'.repeat(201)}`,
      '/api/v1/search/posts?q=x&limit=0',
      '/api/v1/search/posts?q=x&limit=51',
      '/api/v1/search/posts?q=x&authorId=abc',
      '/api/v1/search/posts?q=x&since=yesterday',
      '/api/v1/search/posts?q=x&extra=1',
      '/api/v1/posts/abc/similar',
      '/api/v1/posts/1/similar?limit=51',
    ]) {
      const response = await h.get(url);
      expect({ url, status: response.statusCode }).toEqual({ url, status: 400 });
    }
    expect((await h.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });
});
