// Posts through the HTTP API on three real databases: create, read, edit, delete, the authorization
// matrix, and a timeline whose pages stay stable while new posts arrive.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Harness, startHarness } from './support/post-harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h.close();
});

describe('posts', () => {
  it('creates a post: 201, Location, the stored shape, id routed by the author', async () => {
    const author = await h.user();
    const response = await h.app.inject({
      method: 'POST',
      url: '/api/v1/posts',
      headers: author.headers,
      payload: { text: 'first 👩‍👩‍👧 post' },
    });
    expect(response.statusCode).toBe(201);
    const post = response.json();
    expect(response.headers.location).toBe(`/api/v1/posts/${post.id}`);
    expect(post).toMatchObject({ authorId: author.id, text: 'first 👩‍👩‍👧 post', mediaIds: [], likeCount: 0 });
    expect(post.commentCount).toBe(0);
    expect(post.createdAt).toBe(post.updatedAt);
    expect(h.shards.router.databaseForId(post.id)).toBe(h.shards.router.databaseForUser(author.id));

    const read = await h.app.inject({ method: 'GET', url: `/api/v1/posts/${post.id}`, headers: author.headers });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(post);
  });

  it('attaches ready media of the author, in the order given', async () => {
    const author = await h.user();
    const [a, b] = [h.media.add(author.id), h.media.add(author.id)];
    const post = await h.createPost(author.headers, { text: 'pics', mediaIds: [b.id, a.id] });
    const read = await h.app.inject({ method: 'GET', url: `/api/v1/posts/${post.id}`, headers: author.headers });
    expect(read.json().mediaIds).toEqual([b.id, a.id]);
  });

  it('authorization matrix: only the author edits or deletes; anyone signed in reads; nobody anonymous', async () => {
    const [author, other] = [await h.user(), await h.user()];
    const { id } = await h.createPost(author.headers, { text: 'mine' });
    const url = `/api/v1/posts/${id}`;
    const cases = [
      { method: 'GET', headers: other.headers, status: 200 },
      { method: 'PATCH', headers: other.headers, status: 403, payload: { text: 'hijack' } },
      { method: 'DELETE', headers: other.headers, status: 403 },
      { method: 'GET', headers: {}, status: 401 },
      { method: 'PATCH', headers: {}, status: 401, payload: { text: 'anon' } },
      { method: 'DELETE', headers: {}, status: 401 },
      { method: 'DELETE', headers: { authorization: 'Bearer not.a.token' }, status: 401 },
    ] as const;
    for (const c of cases) {
      const response = await h.app.inject({
        method: c.method,
        url,
        headers: c.headers,
        payload: 'payload' in c ? c.payload : undefined,
      });
      expect({ ...c, status: response.statusCode }).toEqual(c);
      if (c.status >= 400) expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    const unchanged = await h.app.inject({ method: 'GET', url, headers: author.headers });
    expect(unchanged.json().text).toBe('mine');

    const edited = await h.app.inject({ method: 'PATCH', url, headers: author.headers, payload: { text: 'edited' } });
    expect(edited.statusCode).toBe(200);
    expect(edited.json().text).toBe('edited');
    expect(Date.parse(edited.json().updatedAt)).toBeGreaterThanOrEqual(Date.parse(edited.json().createdAt));

    expect((await h.app.inject({ method: 'DELETE', url, headers: author.headers })).statusCode).toBe(204);
    expect((await h.app.inject({ method: 'GET', url, headers: author.headers })).statusCode).toBe(404);
    expect((await h.app.inject({ method: 'DELETE', url, headers: author.headers })).statusCode).toBe(404);
    expect(
      (await h.app.inject({ method: 'PATCH', url, headers: author.headers, payload: { text: 'x' } })).statusCode,
    ).toBe(404);
  });

  it('deleting a post removes its likes and comments', async () => {
    const [author, fan] = [await h.user(), await h.user()];
    const { id } = await h.createPost(author.headers);
    await h.app.inject({ method: 'PUT', url: `/api/v1/posts/${id}/like`, headers: fan.headers });
    await h.app.inject({
      method: 'POST',
      url: `/api/v1/posts/${id}/comments`,
      headers: fan.headers,
      payload: { text: 'nice' },
    });
    const database = h.shards.router.databaseForId(id);
    const countFor = async (table: 'likes' | 'comments') =>
      (await database.db.selectFrom(table).select('post_id').where('post_id', '=', id).execute()).length;
    expect([await countFor('likes'), await countFor('comments')]).toEqual([1, 1]);
    await h.app.inject({ method: 'DELETE', url: `/api/v1/posts/${id}`, headers: author.headers });
    expect([await countFor('likes'), await countFor('comments')]).toEqual([0, 0]);
  });

  it('pages a timeline newest first, stable while new posts arrive', async () => {
    const [author, reader] = [await h.user(), await h.user()];
    const created: string[] = [];
    for (let i = 0; i < 7; i++) created.push((await h.createPost(author.headers, { text: `post ${i}` })).id);
    const url = `/api/v1/users/${author.id}/posts`;
    const first = await h.app.inject({ method: 'GET', url, query: { limit: '3' }, headers: reader.headers });
    expect(first.statusCode).toBe(200);
    const page1 = first.json();
    expect(page1.items.map((p: { id: string }) => p.id)).toEqual(created.slice(-3).reverse());

    // Two new posts arrive while the reader walks the older pages.
    const late = [(await h.createPost(author.headers)).id, (await h.createPost(author.headers)).id];
    const seen = [...page1.items.map((p: { id: string }) => p.id)];
    let cursor: string | null = page1.nextCursor;
    while (cursor !== null) {
      const page = await h.app.inject({ method: 'GET', url, query: { limit: '3', cursor }, headers: reader.headers });
      const body = page.json();
      seen.push(...body.items.map((p: { id: string }) => p.id));
      cursor = body.nextCursor;
    }
    expect(seen).toEqual([...created].reverse());
    const fresh = await h.app.inject({ method: 'GET', url, query: { limit: '2' }, headers: reader.headers });
    expect(fresh.json().items.map((p: { id: string }) => p.id)).toEqual([...late].reverse());

    const bad = await h.app.inject({ method: 'GET', url, query: { cursor: 'bm9wZQ' }, headers: reader.headers });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('invalid-cursor');
  });

  it('an unknown user has an empty timeline; an unknown post is 404', async () => {
    const reader = await h.user();
    const empty = await h.app.inject({ method: 'GET', url: '/api/v1/users/12345/posts', headers: reader.headers });
    expect(empty.json()).toEqual({ items: [], nextCursor: null });
    const missing = await h.app.inject({ method: 'GET', url: '/api/v1/posts/12345', headers: reader.headers });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('not-found');
  });

  it('internal batch: posts in the order asked across shards, unknown ids left out', async () => {
    const users = [await h.user(), await h.user(), await h.user(), await h.user()];
    const ids = [];
    for (const u of users) ids.push((await h.createPost(u.headers)).id);
    const asked = [ids[2], '999', ids[0], ids[3], ids[1]];
    const response = await h.app.inject({
      method: 'POST',
      url: '/internal/posts/batch',
      headers: users[0]?.headers,
      payload: { ids: asked },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().items.map((p: { id: string }) => p.id)).toEqual([ids[2], ids[0], ids[3], ids[1]]);
    const anonymous = await h.app.inject({ method: 'POST', url: '/internal/posts/batch', payload: { ids: asked } });
    expect(anonymous.statusCode).toBe(401);
  });
});
