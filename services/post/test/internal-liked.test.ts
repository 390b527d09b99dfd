// POST /internal/posts/liked: the subset of the asked posts the caller has liked, across shards, in
// the order asked; only the caller's own likes; unknown ids left out; bad input is a 400.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Harness, startHarness } from './support/post-harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ shards: 3 });
});

afterAll(async () => {
  await h.close();
});

const liked = (headers: { authorization: string } | Record<string, never>, ids: unknown) =>
  h.app.inject({ method: 'POST', url: '/internal/posts/liked', headers, payload: { ids } });

describe('POST /internal/posts/liked', () => {
  it('answers the liked subset across shards, in the order asked, for the caller only', async () => {
    const [fan, other] = [await h.user(), await h.user()];
    // Authors spread over the three databases, so the ids route to several shards.
    const authors = await Promise.all(Array.from({ length: 6 }, () => h.user()));
    const posts = await Promise.all(authors.map((author) => h.createPost(author.headers)));
    const ids = posts.map((post) => post.id);
    const shardsInvolved = new Set(ids.map((id) => h.shards.router.databaseForId(id)));
    expect(shardsInvolved.size).toBeGreaterThan(1);

    const likedByFan = [ids[4], ids[0], ids[2]] as string[];
    for (const id of likedByFan) {
      const like = await h.app.inject({ method: 'PUT', url: `/api/v1/posts/${id}/like`, headers: fan.headers });
      expect(like.statusCode).toBe(204);
    }
    await h.app.inject({ method: 'PUT', url: `/api/v1/posts/${ids[1]}/like`, headers: other.headers });

    const asked = [...ids].reverse().concat('777');
    const response = await liked(fan.headers, asked);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ids: [ids[4], ids[2], ids[0]] });

    const theirs = await liked(other.headers, ids);
    expect(theirs.json()).toEqual({ ids: [ids[1]] });
  });

  it('needs a user token and a valid body', async () => {
    const user = await h.user();
    expect((await liked({}, ['1'])).statusCode).toBe(401);
    expect((await liked(user.headers, [])).statusCode).toBe(400);
    expect(
      (
        await liked(
          user.headers,
          Array.from({ length: 101 }, (_, i) => String(i + 1)),
        )
      ).statusCode,
    ).toBe(400);
    expect((await liked(user.headers, ['1', '1'])).statusCode).toBe(400);
    expect((await liked(user.headers, ['9223372036854775808'])).statusCode).toBe(400);
  });
});
