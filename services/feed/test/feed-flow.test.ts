// The feed end to end, through the real producers: posts, follows and deletes go through the real user
// and post services (their outboxes relay the events onto the shared bus), the feed worker consumes them,
// and the feed API answers pages, regenerating missing timelines from the real services over HTTP.
// Real PostgreSQL and Redis; the bus is the in-process one the embedded runner shares (the NATS path is
// feed-nats.test.ts).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SENTINEL } from '../src/domain/timeline-entry.ts';
import { keys } from '../src/store/feed-keys.ts';
import { eventually, type FeedSystem, startFeedSystem, type TestUser } from './support/feed-system.ts';

let s: FeedSystem;

beforeAll(async () => {
  s = await startFeedSystem({ env: { FEED_CELEBRITY_THRESHOLD: '3', FEED_FANOUT_BATCH_SIZE: '2' } });
});

afterAll(async () => {
  await s.close();
});

const ids = async (reader: TestUser) => s.all(reader);
const byIdDesc = (a: string, b: string) => (BigInt(a) > BigInt(b) ? -1 : BigInt(a) < BigInt(b) ? 1 : 0);

async function contains(reader: TestUser, postId: string): Promise<boolean> {
  return (await ids(reader)).includes(postId);
}

describe('fan-out on write', () => {
  it("puts a post into every follower's feed and the author's own, never into a stranger's", async () => {
    const author = await s.register();
    const followers = await Promise.all([s.register(), s.register(), s.register()]);
    const stranger = await s.register();
    for (const follower of followers) await s.follow(follower, author);
    // Everyone reads once (timelines exist: fan-out writes only to existing timelines).
    for (const reader of [author, ...followers, stranger]) expect((await s.page(reader)).items).toEqual([]);

    const postId = await s.post(author, 'to my followers');
    for (const reader of [author, ...followers]) await eventually(() => contains(reader, postId));
    const page = await s.page(followers[0] as TestUser);
    expect(page.items[0]).toEqual({ postId, authorId: author.id });
    expect(await ids(stranger)).toEqual([]);
  });

  it('regenerates the timeline of a reader who had none, with the posts of everyone they follow', async () => {
    const [a, b, reader] = await Promise.all([s.register(), s.register(), s.register()]);
    await s.follow(reader, a);
    await s.follow(reader, b);
    const posted = [await s.post(a), await s.post(b), await s.post(a), await s.post(reader)];
    // The reader never read: nothing was stored, the first read rebuilds from the post and user services.
    expect(await s.kv.zcard(keys.timeline(reader.id))).toBe(0);
    expect(await ids(reader)).toEqual([...posted].sort(byIdDesc));
    expect(await s.kv.zscore(keys.timeline(reader.id), SENTINEL)).toBe(0);
  });

  it('backfills the followee on follow, removes their posts on unfollow', async () => {
    const [author, reader, other] = await Promise.all([s.register(), s.register(), s.register()]);
    await s.follow(reader, other);
    const older = [await s.post(author), await s.post(author)];
    const mine = await s.post(other);
    await eventually(async () => (await s.kv.zcard(keys.recent(author.id))) === 2); // the worker saw them
    expect(await ids(reader)).toEqual([mine]);

    await s.follow(reader, author);
    await eventually(async () => (await ids(reader)).length === 3);
    expect(await ids(reader)).toEqual([...older, mine].sort(byIdDesc));

    await s.unfollow(reader, author);
    await eventually(async () => (await ids(reader)).length === 1);
    expect(await ids(reader)).toEqual([mine]);
    const later = await s.post(author);
    await eventually(() => contains(author, later));
    expect(await contains(reader, later)).toBe(false);
  });

  it('a deleted post leaves every feed, the author included', async () => {
    const author = await s.register();
    const followers = await Promise.all([s.register(), s.register()]);
    for (const follower of followers) await s.follow(follower, author);
    for (const reader of [author, ...followers]) await s.page(reader);
    const keep = await s.post(author, 'keep');
    const drop = await s.post(author, 'drop');
    for (const reader of [author, ...followers]) await eventually(() => contains(reader, drop));

    await s.deletePost(author, drop);
    for (const reader of [author, ...followers]) await eventually(async () => !(await contains(reader, drop)));
    for (const reader of [author, ...followers]) expect(await ids(reader)).toEqual([keep]);
  });
});

describe('hybrid fan-out', () => {
  it("merges a celebrity's posts into followers' feeds at read time, in id order", async () => {
    const celebrity = await s.register();
    const fans = await Promise.all([s.register(), s.register(), s.register(), s.register()]);
    const friend = await s.register();
    const reader = fans[0] as TestUser;
    await s.follow(reader, friend);
    for (const fan of fans) await s.follow(fan, celebrity); // 4 followers > threshold 3
    await eventually(async () => (await s.kv.zscore(keys.celebrities(), celebrity.id)) !== null);
    await s.page(reader);

    const expected: string[] = [];
    for (let i = 0; i < 3; i++) {
      expected.push(await s.post(celebrity, `celebrity ${i}`));
      expected.push(await s.post(friend, `friend ${i}`));
    }
    await eventually(async () => (await ids(reader)).length === 6);
    expect(await ids(reader)).toEqual(expected.sort(byIdDesc));
    // Stored: only the friend's posts; the celebrity's are merged when the page is read.
    const stored = await s.kv.zcard(keys.timeline(reader.id));
    expect(stored).toBe(1 + 3);
    // Pages of 2 walk the merged feed without duplicates or gaps.
    expect(await s.all(reader, 2)).toEqual(expected);
  });
});

describe('pagination', () => {
  it('has no duplicates and no gaps while new posts arrive', async () => {
    const [author, reader] = await Promise.all([s.register(), s.register()]);
    await s.follow(reader, author);
    await s.page(reader);
    const before: string[] = [];
    for (let i = 0; i < 12; i++) before.push(await s.post(author, `p${i}`));
    await eventually(async () => (await ids(reader)).length === 12);

    const seen: string[] = [];
    let cursor: string | undefined;
    const during: string[] = [];
    do {
      const page = await s.page(reader, { limit: 5, ...(cursor === undefined ? {} : { cursor }) });
      seen.push(...page.items.map((item) => item.postId));
      cursor = page.nextCursor ?? undefined;
      during.push(await s.post(author, 'meanwhile')); // lands before the first page, never in the walk
      await eventually(() => contains(reader, during.at(-1) as string));
    } while (cursor !== undefined);
    expect(seen).toEqual([...before].sort(byIdDesc));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('refuses a cursor it never issued with 400 problem+json', async () => {
    const reader = await s.register();
    for (const cursor of ['nonsense', Buffer.from('{"before":"x"}').toString('base64url')]) {
      const response = await s.feed.inject({
        method: 'GET',
        url: '/api/v1/feed',
        headers: { authorization: reader.authorization },
        query: { cursor },
      });
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
    }
    const anonymous = await s.feed.inject({ method: 'GET', url: '/api/v1/feed' });
    expect(anonymous.statusCode).toBe(401);
    const tooMany = await s.feed.inject({
      method: 'GET',
      url: '/api/v1/feed?limit=101',
      headers: { authorization: reader.authorization },
    });
    expect(tooMany.statusCode).toBe(400);
  });
});

describe('a reader the user service does not know', () => {
  it('gets an empty feed rather than an error', async () => {
    const ghost = { id: '4242424242', authorization: `Bearer ${await s.token('4242424242')}` };
    expect(await s.page(ghost)).toEqual({ items: [], nextCursor: null });
  });
});
