// POST /internal/posts/recent-by-authors, the feed's regeneration read, over three real shards: the
// newest posts of each author, newest first overall, at most limitPerAuthor each; validation and auth.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Harness, startHarness } from './support/post-harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ shards: 3 });
});

afterAll(async () => {
  await h.close();
});

const byIdDesc = (a: string, b: string) => (BigInt(a) > BigInt(b) ? -1 : BigInt(a) < BigInt(b) ? 1 : 0);

describe('POST /internal/posts/recent-by-authors', () => {
  it('answers the newest posts of each author, newest first, across shards', async () => {
    const authors = await Promise.all([h.user(), h.user(), h.user(), h.user()]);
    const [quiet, prolific, other, silent] = authors as [
      Awaited<ReturnType<Harness['user']>>,
      Awaited<ReturnType<Harness['user']>>,
      Awaited<ReturnType<Harness['user']>>,
      Awaited<ReturnType<Harness['user']>>,
    ];
    const created: { id: string; author: string }[] = [];
    for (let i = 0; i < 5; i++) created.push({ ...(await h.createPost(prolific.headers)), author: prolific.id });
    created.push({ ...(await h.createPost(quiet.headers)), author: quiet.id });
    for (let i = 0; i < 2; i++) created.push({ ...(await h.createPost(other.headers)), author: other.id });

    const response = await h.app.inject({
      method: 'POST',
      url: '/internal/posts/recent-by-authors',
      headers: quiet.headers,
      payload: { authorIds: [quiet.id, prolific.id, other.id, silent.id], limitPerAuthor: 3 },
    });
    expect(response.statusCode).toBe(200);
    const items = response.json().items as { postId: string; authorId: string; createdAt: string }[];
    const expected = [
      ...created.filter((p) => p.author === prolific.id).slice(-3),
      ...created.filter((p) => p.author !== prolific.id),
    ]
      .map((p) => p.id)
      .sort(byIdDesc);
    expect(items.map((item) => item.postId)).toEqual(expected);
    for (const item of items) {
      expect(created.find((p) => p.id === item.postId)?.author).toBe(item.authorId);
      expect(Number.isNaN(Date.parse(item.createdAt))).toBe(false);
    }
  });

  it('refuses anonymous callers, bad bodies and ids beyond 64 bits', async () => {
    const caller = await h.user();
    const post = (payload: unknown, headers: Record<string, string> = caller.headers) =>
      h.app.inject({ method: 'POST', url: '/internal/posts/recent-by-authors', headers, payload: payload as object });
    expect((await post({ authorIds: ['1'], limitPerAuthor: 1 }, {})).statusCode).toBe(401);
    expect((await post({ authorIds: [], limitPerAuthor: 1 })).statusCode).toBe(400);
    expect((await post({ authorIds: ['1'], limitPerAuthor: 0 })).statusCode).toBe(400);
    expect((await post({ authorIds: ['1'], limitPerAuthor: 1, extra: true })).statusCode).toBe(400);
    expect((await post({ authorIds: ['9999999999999999999'], limitPerAuthor: 1 })).statusCode).toBe(400);
    const none = await post({ authorIds: ['12345'], limitPerAuthor: 5 });
    expect(none.statusCode).toBe(200);
    expect(none.json()).toEqual({ items: [] });
  });
});
