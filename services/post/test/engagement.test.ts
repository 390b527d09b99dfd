// Likes and comments: idempotent likes, exact counts under a storm of concurrent requests (count ==
// COUNT(*)), comment pagination, and comment deletion by its author only.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Harness, startHarness } from './support/post-harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ shards: 1 });
});

afterAll(async () => {
  await h.close();
});

async function exactCounts(postId: string) {
  const db = h.shards.router.databaseForId(postId).db;
  const post = await db
    .selectFrom('posts')
    .select(['like_count', 'comment_count'])
    .where('id', '=', postId)
    .executeTakeFirstOrThrow();
  const likes = await db
    .selectFrom('likes')
    .select(db.fn.countAll<string>().as('n'))
    .where('post_id', '=', postId)
    .executeTakeFirstOrThrow();
  const comments = await db
    .selectFrom('comments')
    .select(db.fn.countAll<string>().as('n'))
    .where('post_id', '=', postId)
    .executeTakeFirstOrThrow();
  return {
    likeCount: Number(post.like_count),
    likes: Number(likes.n),
    commentCount: Number(post.comment_count),
    comments: Number(comments.n),
  };
}

describe('likes', () => {
  it('PUT and DELETE are idempotent 204s and the count follows', async () => {
    const [author, fan] = [await h.user(), await h.user()];
    const { id } = await h.createPost(author.headers);
    const like = () => h.app.inject({ method: 'PUT', url: `/api/v1/posts/${id}/like`, headers: fan.headers });
    const unlike = () => h.app.inject({ method: 'DELETE', url: `/api/v1/posts/${id}/like`, headers: fan.headers });
    expect((await like()).statusCode).toBe(204);
    expect((await like()).statusCode).toBe(204);
    expect(await exactCounts(id)).toMatchObject({ likeCount: 1, likes: 1 });
    expect((await unlike()).statusCode).toBe(204);
    expect((await unlike()).statusCode).toBe(204);
    expect(await exactCounts(id)).toMatchObject({ likeCount: 0, likes: 0 });
    const missing = await h.app.inject({ method: 'PUT', url: '/api/v1/posts/777/like', headers: fan.headers });
    expect(missing.statusCode).toBe(404);
  });

  it('storm: concurrent likes, unlikes, comments and comment deletes keep counts == COUNT(*)', async () => {
    const author = await h.user();
    const { id } = await h.createPost(author.headers);
    const users = await Promise.all(Array.from({ length: 40 }, () => h.user()));
    const requests = users.flatMap((u, i) => {
      const like = { method: 'PUT' as const, url: `/api/v1/posts/${id}/like`, headers: u.headers };
      const unlike = { method: 'DELETE' as const, url: `/api/v1/posts/${id}/like`, headers: u.headers };
      const comment = {
        method: 'POST' as const,
        url: `/api/v1/posts/${id}/comments`,
        headers: u.headers,
        payload: { text: `c${i}` },
      };
      // Each user likes twice; every third also unlikes; every one comments twice.
      return i % 3 === 0 ? [like, like, unlike, comment, comment] : [like, like, comment, comment];
    });
    const responses = await Promise.all(requests.map((r) => h.app.inject(r)));
    expect(responses.filter((r) => r.statusCode >= 400)).toEqual([]);
    // Delete a batch of comments concurrently, each twice (the second must find it gone).
    const comments = responses.filter((r) => r.statusCode === 201).map((r) => r.json());
    const deletes = comments.slice(0, 20).flatMap((c) => {
      const owner = users.find((u) => u.id === c.authorId);
      const del = { method: 'DELETE' as const, url: `/api/v1/posts/${id}/comments/${c.id}`, headers: owner?.headers };
      return [del, del];
    });
    const deleted = await Promise.all(deletes.map((r) => h.app.inject(r)));
    expect(deleted.filter((r) => r.statusCode === 204)).toHaveLength(20);
    expect(deleted.filter((r) => r.statusCode === 404)).toHaveLength(20);

    const counts = await exactCounts(id);
    expect(counts.likeCount).toBe(counts.likes);
    expect(counts.commentCount).toBe(counts.comments);
    expect(counts.comments).toBe(80 - 20);
    // The final like state is order-dependent for the users who also unliked; the count is exact anyway.
    expect(counts.likes).toBeGreaterThanOrEqual(26);
    const read = await h.app.inject({ method: 'GET', url: `/api/v1/posts/${id}`, headers: author.headers });
    expect(read.json()).toMatchObject({ likeCount: counts.likes, commentCount: counts.comments });
  });
});

describe('comments', () => {
  it('are created (201 + Location), listed newest first with a cursor, deleted only by their author', async () => {
    const [author, c1, c2] = [await h.user(), await h.user(), await h.user()];
    const { id } = await h.createPost(author.headers);
    const created = [];
    for (let i = 0; i < 5; i++) {
      const who = i % 2 === 0 ? c1 : c2;
      const response = await h.app.inject({
        method: 'POST',
        url: `/api/v1/posts/${id}/comments`,
        headers: who.headers,
        payload: { text: `comment ${i} @Author` },
      });
      expect(response.statusCode).toBe(201);
      const comment = response.json();
      expect(response.headers.location).toBe(`/api/v1/posts/${id}/comments/${comment.id}`);
      expect(comment).toMatchObject({ postId: id, authorId: who.id, text: `comment ${i} @Author` });
      // Comment ids carry the post's shard, so they route like the post.
      expect(h.shards.router.databaseForId(comment.id)).toBe(h.shards.router.databaseForId(id));
      created.push(comment.id);
    }
    const url = `/api/v1/posts/${id}/comments`;
    const page1 = (await h.app.inject({ method: 'GET', url, query: { limit: '3' }, headers: author.headers })).json();
    const page2 = (
      await h.app.inject({
        method: 'GET',
        url,
        query: { limit: '3', cursor: page1.nextCursor },
        headers: author.headers,
      })
    ).json();
    expect([...page1.items, ...page2.items].map((c: { id: string }) => c.id)).toEqual([...created].reverse());
    expect(page2.nextCursor).toBeNull();

    const target = created[0] as string; // written by c1
    const byOther = await h.app.inject({ method: 'DELETE', url: `${url}/${target}`, headers: c2.headers });
    expect(byOther.statusCode).toBe(403);
    const byPostAuthor = await h.app.inject({ method: 'DELETE', url: `${url}/${target}`, headers: author.headers });
    expect(byPostAuthor.statusCode).toBe(403);
    const byAuthor = await h.app.inject({ method: 'DELETE', url: `${url}/${target}`, headers: c1.headers });
    expect(byAuthor.statusCode).toBe(204);
    expect(await exactCounts(id)).toMatchObject({ commentCount: 4, comments: 4 });

    const onMissing = await h.app.inject({ method: 'GET', url: '/api/v1/posts/777/comments', headers: c1.headers });
    expect(onMissing.statusCode).toBe(404);
    const toMissing = await h.app.inject({
      method: 'POST',
      url: '/api/v1/posts/777/comments',
      headers: c1.headers,
      payload: { text: 'hello?' },
    });
    expect(toMissing.statusCode).toBe(404);
  });
});
