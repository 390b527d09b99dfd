// Three physical databases on the local server: posts land on the author's shard, reads by id route by
// the id's shard bits, shards are isolated, and a single-author timeline read or a single-post read
// touches exactly one database (relational's per-database statement counter).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createIdGenerator } from '@scalegram/relational/id-generator';
import { type Harness, startHarness } from './support/post-harness.ts';

let h: Harness;
const ids = createIdGenerator();

/** A user id whose logical shard is `logical` (user ids from the same generator, any shard). */
const userOnShard = (logical: number) => ids.nextString(logical);

beforeAll(async () => {
  h = await startHarness({ shards: 3 });
});

afterAll(async () => {
  await h.close();
});

async function asUser(id: string) {
  return { id, headers: { authorization: `Bearer ${await h.tokens.userToken(id)}` } };
}

function queryCounts(): number[] {
  return h.shards.router.all().map((database) => database.queryCount());
}

describe('sharding across three databases', () => {
  it('places each author on the database of its logical shard (user id mod 8192)', async () => {
    const databases = h.shards.router.all();
    expect(databases).toHaveLength(3);
    // Logical shards 0..2730 → db 0, 2731..5461 → db 1, 5462..8191 → db 2. Pick users by their remainder.
    const users = [];
    for (const remainder of [5, 3000, 8000]) {
      let id = BigInt(await userOnShard(0));
      id = id - (id % 8192n) + BigInt(remainder);
      users.push(await asUser(id.toString()));
    }
    for (const [index, user] of users.entries()) {
      const post = await h.createPost(user.headers, { text: `on shard ${index}` });
      const rows = await Promise.all(
        databases.map(
          async (database) =>
            (await database.db.selectFrom('posts').select('author_id').where('id', '=', post.id).execute()).length,
        ),
      );
      // Isolation: the row exists on its database and on no other.
      expect(rows).toEqual(databases.map((_, i) => (i === index ? 1 : 0)));
    }
  });

  it('a post id alone routes to its shard: a single-post read touches exactly one database', async () => {
    const author = await h.user();
    const { id } = await h.createPost(author.headers);
    const target = h.shards.router.all().indexOf(h.shards.router.databaseForId(id));
    const before = queryCounts();
    const response = await h.app.inject({ method: 'GET', url: `/api/v1/posts/${id}`, headers: author.headers });
    expect(response.statusCode).toBe(200);
    const delta = queryCounts().map((n, i) => n - (before[i] as number));
    expect(delta).toEqual([0, 1, 2].map((i) => (i === target ? 1 : 0)));
  });

  it('a single-author timeline page is one query on one database', async () => {
    const author = await h.user();
    for (let i = 0; i < 4; i++) await h.createPost(author.headers, { text: `p${i}` });
    const target = h.shards.router.all().indexOf(h.shards.router.databaseForUser(author.id));
    const before = queryCounts();
    const response = await h.app.inject({
      method: 'GET',
      url: `/api/v1/users/${author.id}/posts`,
      query: { limit: '2' },
      headers: author.headers,
    });
    expect(response.json().items).toHaveLength(2);
    const delta = queryCounts().map((n, i) => n - (before[i] as number));
    expect(delta).toEqual([0, 1, 2].map((i) => (i === target ? 1 : 0)));
  });

  it('likes and comments of a post live on the post’s shard, whoever the liker is', async () => {
    const author = await h.user();
    const { id } = await h.createPost(author.headers);
    const home = h.shards.router.databaseForId(id);
    for (let i = 0; i < 5; i++) {
      const fan = await h.user();
      await h.app.inject({ method: 'PUT', url: `/api/v1/posts/${id}/like`, headers: fan.headers });
      await h.app.inject({
        method: 'POST',
        url: `/api/v1/posts/${id}/comments`,
        headers: fan.headers,
        payload: { text: 'x' },
      });
    }
    for (const database of h.shards.router.all()) {
      const likes = await database.db.selectFrom('likes').select('user_id').where('post_id', '=', id).execute();
      const comments = await database.db.selectFrom('comments').select('id').where('post_id', '=', id).execute();
      expect([likes.length, comments.length]).toEqual(database === home ? [5, 5] : [0, 0]);
    }
  });

  it('a batch read queries each involved database once', async () => {
    const authors = await Promise.all(Array.from({ length: 12 }, () => h.user()));
    const postIds = [];
    for (const a of authors) postIds.push((await h.createPost(a.headers)).id);
    const involved = new Set(postIds.map((id) => h.shards.router.all().indexOf(h.shards.router.databaseForId(id))));
    const before = queryCounts();
    const response = await h.app.inject({
      method: 'POST',
      url: '/internal/posts/batch',
      headers: authors[0]?.headers,
      payload: { ids: postIds },
    });
    expect(response.json().items).toHaveLength(12);
    const delta = queryCounts().map((n, i) => n - (before[i] as number));
    expect(delta).toEqual([0, 1, 2].map((i) => (involved.has(i) ? 1 : 0)));
  });

  it('migrations were applied to every shard', async () => {
    for (const database of h.shards.router.all()) {
      const applied = await database.db
        .selectFrom('kysely_migration' as never)
        .select('name' as never)
        .execute();
      expect((applied as { name: string }[]).map((row) => row.name)).toContain('0001_create_posts');
    }
  });
});
