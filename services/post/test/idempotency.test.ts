// Idempotency-Key on POST /posts, as draft-ietf-httpapi-idempotency-key-header describes it: a replay
// answers the original response, another body with the same key is 422, a concurrent request is 409,
// and a failed attempt releases the key.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Harness, startHarness } from './support/post-harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h.close();
});

const post = (headers: Record<string, string>, key: string, payload: Record<string, unknown>) =>
  h.app.inject({ method: 'POST', url: '/api/v1/posts', headers: { ...headers, 'idempotency-key': key }, payload });

async function postsBy(authorId: string): Promise<number> {
  const rows = await h.shards.router
    .databaseForUser(authorId)
    .db.selectFrom('posts')
    .select('id')
    .where('author_id', '=', authorId)
    .execute();
  return rows.length;
}

describe('Idempotency-Key', () => {
  it('a replay returns the original status, Location and body, and creates nothing new', async () => {
    const author = await h.user();
    const first = await post(author.headers, '"key-1"', { text: 'once', mediaIds: [] });
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    // Same request, fields in another order and the key unquoted: still the same request.
    const again = await post(author.headers, 'key-1', { mediaIds: [], text: 'once' });
    expect(again.statusCode).toBe(201);
    expect(again.headers.location).toBe(first.headers.location);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect(await postsBy(author.id)).toBe(1);
  });

  it('keys are per user: another user with the same key creates their own post', async () => {
    const [a, b] = [await h.user(), await h.user()];
    const first = await post(a.headers, 'shared', { text: 'a' });
    const second = await post(b.headers, 'shared', { text: 'a' });
    expect([first.statusCode, second.statusCode]).toEqual([201, 201]);
    expect(second.json().id).not.toBe(first.json().id);
    expect(second.headers['idempotent-replayed']).toBeUndefined();
  });

  it('the same key with a different body is 422 idempotency-key-mismatch', async () => {
    const author = await h.user();
    await post(author.headers, 'k-mismatch', { text: 'one' });
    const other = await post(author.headers, 'k-mismatch', { text: 'two' });
    expect(other.statusCode).toBe(422);
    expect(other.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(other.json().code).toBe('idempotency-key-mismatch');
    expect(await postsBy(author.id)).toBe(1);
  });

  it('a concurrent request with the key of one still in flight is 409; the first one completes', async () => {
    const author = await h.user();
    const media = h.media.add(author.id);
    const release = h.media.hold(); // the first request waits in its media check, key claimed
    const calls = h.media.calls;
    const first = post(author.headers, 'k-flight', { text: 'slow', mediaIds: [media.id] });
    while (h.media.calls === calls) await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await post(author.headers, 'k-flight', { text: 'slow', mediaIds: [media.id] });
    expect(second.statusCode).toBe(409);
    expect(second.json().code).toBe('idempotency-key-in-flight');
    expect(second.headers['retry-after']).toBe('1');
    release();
    const done = await first;
    expect(done.statusCode).toBe(201);
    const replay = await post(author.headers, 'k-flight', { text: 'slow', mediaIds: [media.id] });
    expect(replay.json()).toEqual(done.json());
    expect(await postsBy(author.id)).toBe(1);
  });

  it('a failed attempt releases the key, so a retry with the same key can succeed', async () => {
    const author = await h.user();
    const pending = h.media.add(author.id, 'processing');
    const failed = await post(author.headers, 'k-retry', { text: 'pic', mediaIds: [pending.id] });
    expect(failed.statusCode).toBe(422);
    expect(await h.count('idempotency_keys')).toBeGreaterThan(0);
    const keyRows = await h.shards.router
      .databaseForUser(author.id)
      .db.selectFrom('idempotency_keys')
      .select('key')
      .where('user_id', '=', author.id)
      .execute();
    expect(keyRows).toEqual([]);
    const ready = h.media.add(author.id);
    // A different body is fine now: the key was released, not completed.
    const retried = await post(author.headers, 'k-retry', { text: 'pic', mediaIds: [ready.id] });
    expect(retried.statusCode).toBe(201);
  });

  it('an expired key (past 24 h) is treated as new', async () => {
    const author = await h.user();
    const first = await post(author.headers, 'k-old', { text: 'old' });
    await h.shards.router
      .databaseForUser(author.id)
      .db.updateTable('idempotency_keys')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('user_id', '=', author.id)
      .execute();
    const second = await post(author.headers, 'k-old', { text: 'old' });
    expect(second.statusCode).toBe(201);
    expect(second.json().id).not.toBe(first.json().id);
  });

  it('a malformed key is 400 and writes nothing', async () => {
    const author = await h.user();
    for (const key of ['', 'has space', 'x'.repeat(300)]) {
      const response = await post(author.headers, key, { text: 'k' });
      expect(response.statusCode).toBe(400);
    }
    expect(await postsBy(author.id)).toBe(0);
  });
});
