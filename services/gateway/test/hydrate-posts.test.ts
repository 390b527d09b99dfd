// The composition's bookkeeping without a network: batches split at 100 ids, each id asked once, the
// media in each post's own order, and duplicate references answered as they came.
import { describe, expect, it } from '@jest/globals';
import Fastify from 'fastify';
import { hydratePosts } from '../src/composition/hydrate-posts.ts';
import type { Upstream } from '../src/upstreams.ts';

const logger = Fastify({ logger: false }).log;

/** An upstream answering batch calls from a function, recording the id lists it was asked. */
function batchUpstream(answer: (path: string, ids: string[]) => unknown) {
  const calls: { path: string; ids: string[] }[] = [];
  const upstream = {
    post: async (path: string, body: { ids: string[] }) => {
      calls.push({ path, ids: body.ids });
      return answer(path, body.ids);
    },
  } as unknown as Upstream;
  return { upstream, calls };
}

const post = (id: number, mediaIds: string[]) => ({
  id: String(id),
  authorId: '9',
  text: `post ${id}`,
  mediaIds,
  likeCount: 0,
  commentCount: 0,
  createdAt: '2026-11-22T00:00:00.000Z',
  updatedAt: '2026-11-22T00:00:00.000Z',
});

describe('hydratePosts', () => {
  it('splits batches at 100 ids and keeps each post’s media order', async () => {
    // 20 posts × 6 media = 120 media ids: two media batches.
    const posts = Array.from({ length: 20 }, (_, i) =>
      post(
        i + 1,
        Array.from({ length: 6 }, (_, j) => String(1000 + i * 6 + (5 - j))),
      ),
    );
    const postService = batchUpstream((path, ids) =>
      path.endsWith('/liked')
        ? { ids: ids.filter((id) => Number(id) % 2 === 0) }
        : { items: posts.filter((p) => ids.includes(p.id)) },
    );
    const users = batchUpstream((_path, ids) => ({
      items: ids.map((id) => ({ id, username: `u${id}`, displayName: 'U', avatarMediaId: null })),
    }));
    const media = batchUpstream((_path, ids) => ({ items: ids.map((id) => ({ id })) }));
    const references = [...posts.map((p) => ({ postId: p.id, authorId: '9' })), { postId: '1', authorId: '9' }];

    const result = await hydratePosts(
      { post: postService.upstream, user: users.upstream, media: media.upstream },
      references,
      {
        authorization: 'Bearer x',
        logger,
      },
    );

    expect(media.calls.map((call) => call.ids.length)).toEqual([100, 20]);
    expect(new Set(media.calls.flatMap((call) => call.ids)).size).toBe(120);
    expect(users.calls).toEqual([{ path: '/internal/users/batch', ids: ['9'] }]);
    expect(postService.calls.map((call) => [call.path, call.ids.length])).toEqual([
      ['/internal/posts/batch', 20],
      ['/internal/posts/liked', 20],
    ]);
    expect(result.missing).toEqual([]);
    expect(result.items).toHaveLength(21);
    const first = result.items[0]?.value;
    expect(first?.media.map((item) => item.id)).toEqual(posts[0]?.mediaIds);
    expect(result.items.map((item) => item.value.likedByMe).slice(0, 3)).toEqual([false, true, false]);
    expect(result.items[20]?.value.post.id).toBe('1');
  });

  it('fails when the posts cannot be read, whatever else answered', async () => {
    const postService = batchUpstream(() => {
      throw Object.assign(new Error('post: circuit open'), { name: 'UnavailableError' });
    });
    const users = batchUpstream(() => ({ items: [] }));
    await expect(
      hydratePosts({ post: postService.upstream, user: users.upstream }, [{ postId: '1', authorId: '2' }], {
        authorization: 'Bearer x',
        logger,
      }),
    ).rejects.toThrow('circuit open');
  });
});
