// Attached media are checked against a real HTTP server speaking the media service's contract:
// unknown, not the author's and not ready are 422 with each id named; a media service that is down is
// 503; in every refused case nothing is written.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Harness, startHarness } from './support/post-harness.ts';

let h: Harness;
let down: Harness;

beforeAll(async () => {
  h = await startHarness({ shards: 1 });
  // Port 9 (discard) on localhost: nothing listens, connections are refused.
  down = await startHarness({ shards: 1, mediaUrl: 'http://127.0.0.1:9' });
});

afterAll(async () => {
  await h.close();
  await down.close();
});

describe('media check', () => {
  it('names every unusable id with its reason: 422 invalid-media, nothing written', async () => {
    const [author, other] = [await h.user(), await h.user()];
    const ok = h.media.add(author.id);
    const theirs = h.media.add(other.id);
    const processing = h.media.add(author.id, 'processing');
    const failed = h.media.add(author.id, 'failed');
    const before = await h.count('posts');
    const outboxBefore = await h.count('outbox');
    const response = await h.app.inject({
      method: 'POST',
      url: '/api/v1/posts',
      headers: author.headers,
      payload: { text: 'album', mediaIds: [ok.id, theirs.id, processing.id, '424242', failed.id] },
    });
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.json()).toMatchObject({
      code: 'invalid-media',
      errors: [
        { field: '/body/mediaIds/1', message: 'not yours' },
        { field: '/body/mediaIds/2', message: 'not ready (processing)' },
        { field: '/body/mediaIds/3', message: 'not found' },
        { field: '/body/mediaIds/4', message: 'not ready (failed)' },
      ],
    });
    expect(await h.count('posts')).toBe(before);
    expect(await h.count('outbox')).toBe(outboxBefore);
  });

  it('six ready media of the author are accepted', async () => {
    const author = await h.user();
    const ids = Array.from({ length: 6 }, () => h.media.add(author.id).id);
    const post = await h.createPost(author.headers, { text: 'six', mediaIds: ids });
    expect(post).toMatchObject({ mediaIds: ids });
  });

  it('a post without media does not call the media service', async () => {
    const author = await h.user();
    const calls = h.media.calls;
    await h.createPost(author.headers, { text: 'words only' });
    expect(h.media.calls).toBe(calls);
  });

  it('media service unreachable → 503, nothing written, and the Idempotency-Key is released', async () => {
    const author = await down.user();
    const response = await down.app.inject({
      method: 'POST',
      url: '/api/v1/posts',
      headers: { ...author.headers, 'idempotency-key': 'k' },
      payload: { text: 'pic', mediaIds: ['123456'] },
    });
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.body).not.toMatch(/127\.0\.0\.1/);
    expect(await down.count('posts')).toBe(0);
    expect(await down.count('outbox')).toBe(0);
    expect(await down.count('idempotency_keys')).toBe(0);
    // Without media, the same service still creates posts.
    expect((await down.createPost(author.headers, { text: 'no media' })).id).toMatch(/^\d+$/);
  });
});
