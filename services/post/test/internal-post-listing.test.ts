// GET /internal/posts: every post exactly once, in ascending id order, across three physical databases,
// page by page; only a service token with scope posts:read gets in; bad input is a 400.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Harness, startHarness } from './support/post-harness.ts';

let h: Harness;
let reader: { authorization: string };
const created: string[] = [];

/** A user id whose logical shard is `remainder` (so its posts land on a chosen database). */
async function userOnShard(remainder: number) {
  const { id } = await h.user();
  const onShard = (BigInt(id) - (BigInt(id) % 8192n) + BigInt(remainder)).toString();
  return { id: onShard, headers: { authorization: `Bearer ${await h.tokens.userToken(onShard)}` } };
}

beforeAll(async () => {
  h = await startHarness({ shards: 3 });
  reader = { authorization: `Bearer ${await h.tokens.serviceToken('posts:read', { client: 'search' })}` };
  // Three authors, one per database (logical shards 0–2730, 2731–5461, 5462–8191), posting in turns, so
  // consecutive ids alternate between databases and a page must merge all three.
  const authors = [await userOnShard(7), await userOnShard(4000), await userOnShard(8100)];
  for (let round = 0; round < 7; round++) {
    for (const author of authors) created.push((await h.createPost(author.headers, { text: `post ${round}` })).id);
  }
});

afterAll(async () => {
  await h.close();
});

const list = (query: string, headers: Record<string, string> = reader) =>
  h.app.inject({ method: 'GET', url: `/internal/posts${query}`, headers });

describe('GET /internal/posts', () => {
  it('walks every post once, in ascending id order, across the three databases', async () => {
    const perDatabase = await Promise.all(
      h.shards.router
        .all()
        .map(async (database) => (await database.db.selectFrom('posts').select('id').execute()).length),
    );
    expect(perDatabase).toEqual([7, 7, 7]);

    const seen: string[] = [];
    const pages: number[] = [];
    let after: string | null = null;
    do {
      const response = await list(`?limit=4${after === null ? '' : `&after=${after}`}`);
      expect(response.statusCode).toBe(200);
      const body = response.json() as { items: { id: string; text: string }[]; nextAfter: string | null };
      pages.push(body.items.length);
      seen.push(...body.items.map((post) => post.id));
      if (body.nextAfter !== null) expect(body.nextAfter).toBe(body.items.at(-1)?.id);
      after = body.nextAfter;
    } while (after !== null);

    const ascending = [...created].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    expect(seen).toEqual(ascending);
    expect(pages).toEqual([4, 4, 4, 4, 4, 1]);
  });

  it('ends with nextAfter null when the last page is exactly full, and answers full posts', async () => {
    const all = (await list('?limit=21')).json() as { items: Record<string, unknown>[]; nextAfter: string | null };
    expect(all.items).toHaveLength(21);
    expect(all.nextAfter).toBeNull();
    expect(all.items[0]).toEqual({
      id: expect.any(String),
      authorId: expect.any(String),
      text: 'post 0',
      mediaIds: [],
      likeCount: 0,
      commentCount: 0,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const short = (await list('?limit=20')).json() as { items: { id: string }[]; nextAfter: string | null };
    expect(short.nextAfter).toBe(short.items[19]?.id);
    const rest = (await list(`?limit=20&after=${short.nextAfter}`)).json() as { items: unknown[]; nextAfter: unknown };
    expect([rest.items.length, rest.nextAfter]).toEqual([1, null]);
    const beyond = (await list('?after=9223372036854775807')).json();
    expect(beyond).toEqual({ items: [], nextAfter: null });
  });

  it('defaults to 100 posts a page', async () => {
    expect(((await list('')).json() as { items: unknown[] }).items).toHaveLength(21);
  });

  it('admits only a service token with posts:read', async () => {
    const author = await h.user();
    const cases: [string, Record<string, string>, number, string][] = [
      ['no token', {}, 401, 'unauthenticated'],
      ['a user token', author.headers, 401, 'invalid-token'],
      [
        'a service token without posts:read',
        { authorization: `Bearer ${await h.tokens.serviceToken('users:read', { client: 'feed' })}` },
        403,
        'insufficient-scope',
      ],
    ];
    for (const [name, headers, status, code] of cases) {
      const response = await list('?limit=1', headers);
      expect([name, response.statusCode, response.json().code]).toEqual([name, status, code]);
    }
  });

  it('answers 400 to bad paging, checked after the token', async () => {
    for (const query of [
      '?limit=0',
      '?limit=501',
      '?limit=1.5',
      '?after=abc',
      '?after=99999999999999999999',
      '?after=9223372036854775808',
      '?foo=1',
    ]) {
      const response = await list(query);
      expect([query, response.statusCode]).toEqual([query, 400]);
    }
    expect((await list('?limit=0', {})).statusCode).toBe(401);
  });

  it('is in the OpenAPI document', async () => {
    const document = (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(document.paths['/internal/posts']?.get).toBeDefined();
  });
});
