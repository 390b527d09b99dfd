import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, type Harness, newUserId, startHarness } from './support/user-harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h.close();
});

type User = Awaited<ReturnType<Harness['register']>>;

const followAs = (actor: User, targetId: string, method: 'PUT' | 'DELETE' = 'PUT') =>
  h.app.inject({ method, url: `/api/v1/users/${targetId}/follow`, headers: bearer(actor.token) });

async function counts(id: string) {
  const row = await h.db.database.db
    .selectFrom('users')
    .select(['follower_count', 'following_count'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return { followers: Number(row.follower_count), following: Number(row.following_count) };
}

async function page(viewer: User, userId: string, list: 'followers' | 'following', query = '') {
  const response = await h.app.inject({
    url: `/api/v1/users/${userId}/${list}${query}`,
    headers: bearer(viewer.token),
  });
  expect(response.statusCode).toBe(200);
  return response.json() as { items: { id: string; username: string }[]; nextCursor: string | null };
}

describe('follow and unfollow', () => {
  it('follows once, counts both sides, and following twice changes nothing', async () => {
    const [a, b] = [await h.register(), await h.register()];
    expect((await followAs(a, b.id)).statusCode).toBe(204);
    expect((await followAs(a, b.id)).statusCode).toBe(204);
    expect(await counts(a.id)).toEqual({ followers: 0, following: 1 });
    expect(await counts(b.id)).toEqual({ followers: 1, following: 0 });
    const edges = await h.db.database.db.selectFrom('follows').selectAll().where('follower_id', '=', a.id).execute();
    expect(edges).toHaveLength(1);
    const profile = await h.app.inject({ url: `/api/v1/users/${b.id}`, headers: bearer(a.token) });
    expect(profile.json()).toMatchObject({ followerCount: 1, followingCount: 0 });
  });

  it('unfollows, and unfollowing when not following is 204 with nothing changed', async () => {
    const [a, b] = [await h.register(), await h.register()];
    await followAs(a, b.id);
    expect((await followAs(a, b.id, 'DELETE')).statusCode).toBe(204);
    expect((await followAs(a, b.id, 'DELETE')).statusCode).toBe(204);
    expect(await counts(a.id)).toEqual({ followers: 0, following: 0 });
    expect(await counts(b.id)).toEqual({ followers: 0, following: 0 });
  });

  it('refuses to follow yourself with 400 cannot-follow-self', async () => {
    const a = await h.register();
    for (const method of ['PUT', 'DELETE'] as const) {
      const response = await followAs(a, a.id, method);
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json().code).toBe('cannot-follow-self');
    }
    expect(await counts(a.id)).toEqual({ followers: 0, following: 0 });
  });

  it('answers 404 for an unknown user, on follow, unfollow and both lists', async () => {
    const a = await h.register();
    const ghost = await newUserId();
    for (const method of ['PUT', 'DELETE'] as const) {
      const response = await followAs(a, ghost, method);
      expect(response.statusCode).toBe(404);
      expect(response.json().code).toBe('user-not-found');
    }
    for (const list of ['followers', 'following']) {
      const response = await h.app.inject({ url: `/api/v1/users/${ghost}/${list}`, headers: bearer(a.token) });
      expect(response.statusCode).toBe(404);
    }
    expect(await counts(a.id)).toEqual({ followers: 0, following: 0 });
  });

  it('answers 404 profile-not-found when the caller has no profile (e.g. deleted)', async () => {
    const b = await h.register();
    const orphanToken = await h.tokens.userToken(await newUserId());
    const response = await h.app.inject({
      method: 'PUT',
      url: `/api/v1/users/${b.id}/follow`,
      headers: bearer(orphanToken),
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe('profile-not-found');
    expect(await counts(b.id)).toEqual({ followers: 0, following: 0 });
  });
});

describe('followers and following lists', () => {
  it('pages newest follow first with opaque cursors, and keeps pages stable under new follows', async () => {
    const star = await h.register();
    const fans: User[] = [];
    for (let i = 0; i < 7; i++) {
      const fan = await h.register();
      fans.push(fan);
      await followAs(fan, star.id);
      await new Promise((resolve) => setTimeout(resolve, 3)); // distinct milliseconds for a readable order
    }
    const first = await page(star, star.id, 'followers', '?limit=3');
    expect(first.items.map((item) => item.id)).toEqual([fans[6]!.id, fans[5]!.id, fans[4]!.id]);
    expect(first.nextCursor).toEqual(expect.any(String));

    // Two new followers arrive while the client is paging: they go to the head, never into later pages.
    const late = [await h.register(), await h.register()];
    for (const fan of late) await followAs(fan, star.id);

    const second = await page(star, star.id, 'followers', `?limit=3&cursor=${first.nextCursor}`);
    expect(second.items.map((item) => item.id)).toEqual([fans[3]!.id, fans[2]!.id, fans[1]!.id]);
    const third = await page(star, star.id, 'followers', `?limit=3&cursor=${second.nextCursor}`);
    expect(third.items.map((item) => item.id)).toEqual([fans[0]!.id]);
    expect(third.nextCursor).toBeNull();

    const fresh = await page(star, star.id, 'followers', '?limit=2');
    expect(fresh.items.map((item) => item.id)).toEqual([late[1]!.id, late[0]!.id]);
    expect(fresh.items[0]).toEqual({
      id: late[1]!.id,
      username: late[1]!.username,
      displayName: late[1]!.username,
      avatarMediaId: null,
    });
  });

  it('lists whom a user follows, newest first, across pages without duplicates', async () => {
    const reader = await h.register();
    const authors: User[] = [];
    for (let i = 0; i < 5; i++) {
      const author = await h.register();
      authors.push(author);
      await followAs(reader, author.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const current: Awaited<ReturnType<typeof page>> = await page(
        reader,
        reader.id,
        'following',
        `?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...current.items.map((item) => item.id));
      cursor = current.nextCursor;
    } while (cursor !== null);
    expect(new Set(seen).size).toBe(5);
    expect(seen.sort()).toEqual(authors.map((author) => author.id).sort());
    // An empty list is an empty page, not a 404.
    expect(await page(reader, authors[0]!.id, 'following')).toEqual({ items: [], nextCursor: null });
  });

  it('refuses cursors it never issued with 400 invalid-cursor', async () => {
    const a = await h.register();
    const forged = [
      'bm90LWpzb24',
      Buffer.from(JSON.stringify({ t: 1, u: 'x' })).toString('base64url'),
      Buffer.from(JSON.stringify({ t: 1e20, u: '1' })).toString('base64url'),
      Buffer.from(JSON.stringify({ t: 1.5, u: '1' })).toString('base64url'),
    ];
    for (const cursor of forged) {
      const response = await h.app.inject({
        url: `/api/v1/users/${a.id}/followers?cursor=${cursor}`,
        headers: bearer(a.token),
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('invalid-cursor');
    }
  });
});

describe('authorization matrix: A can never change B', () => {
  it("A's token only ever changes A's profile and A's follows", async () => {
    const [a, b, c] = [await h.register(), await h.register(), await h.register()];
    const before = await h.db.database.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', b.id)
      .executeTakeFirstOrThrow();

    // There is no route that names another user as the actor: PATCH targets "me" only...
    const patchOther = await h.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${b.id}`,
      headers: bearer(a.token),
      payload: { displayName: 'hacked' },
    });
    expect(patchOther.statusCode).toBe(405);
    expect(patchOther.headers.allow).toBe('GET, HEAD');
    expect(patchOther.json().code).toBe('method-not-allowed');
    // ...smuggling an id in the body is refused...
    const smuggled = await h.app.inject({
      method: 'PATCH',
      url: '/api/v1/users/me',
      headers: bearer(a.token),
      payload: { id: b.id, displayName: 'hacked' },
    });
    expect(smuggled.statusCode).toBe(400);
    // ...and follow routes act for the token's subject: A following C adds an edge from A, never from B.
    await h.app.inject({
      method: 'PUT',
      url: `/api/v1/users/${c.id}/follow`,
      headers: { ...bearer(a.token), 'x-user-id': b.id },
    });
    const edges = await h.db.database.db.selectFrom('follows').selectAll().where('followee_id', '=', c.id).execute();
    expect(edges.map((edge) => edge.follower_id)).toEqual([a.id]);
    // B follows C; A cannot undo it: DELETE as A only removes A's own edge.
    await followAs(b, c.id);
    await followAs(a, c.id, 'DELETE');
    const remaining = await h.db.database.db
      .selectFrom('follows')
      .selectAll()
      .where('followee_id', '=', c.id)
      .execute();
    expect(remaining.map((edge) => edge.follower_id)).toEqual([b.id]);
    // The internal write routes refuse user tokens outright.
    for (const method of ['PUT', 'DELETE'] as const) {
      const response = await h.app.inject({
        method,
        url: `/internal/users/${b.id}`,
        headers: bearer(a.token),
        ...(method === 'PUT' ? { payload: { username: 'stolen_name' } } : {}),
      });
      expect(response.statusCode).toBe(401);
    }
    const after = await h.db.database.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', b.id)
      .executeTakeFirstOrThrow();
    expect({ ...after, following_count: before.following_count }).toEqual(before);
    expect(after.following_count).toBe('1');
  });
});
