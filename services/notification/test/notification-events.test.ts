// Events become notifications, against a real PostgreSQL: who is notified, how repeats collapse, and
// that a redelivered event changes nothing (it only re-announces the recipients' latest seq).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createEvent, type Event } from '@scalegram/contracts/events';
import { POST_EVENT_SOURCE, PostEventType } from '@scalegram/contracts/post-events';
import { USER_EVENT_SOURCE, UserEventType } from '@scalegram/contracts/user-events';
import { type NotificationEventDeps, processNotificationEvent } from '../src/events/notification-consumer.ts';
import { markRead } from '../src/store/notification-commands.ts';
import { changesAfter, lastSeq, listNotifications } from '../src/store/notification-queries.ts';
import { newId } from './support/notification-harness.ts';
import { createRecordingHub, type RecordingHub } from './support/recording-hub.ts';
import { createTestDatabase, type TestDatabase } from './support/test-database.ts';

let db: TestDatabase;
let hub: RecordingHub;
let deps: NotificationEventDeps;

const postEvent = (type: string, data: Record<string, unknown>, time?: Date) =>
  createEvent({ type, source: POST_EVENT_SOURCE, subject: String(data.postId), data, ...(time ? { time } : {}) });
const userEvent = (type: string, data: Record<string, unknown>) =>
  createEvent({ type, source: USER_EVENT_SOURCE, subject: String(Object.values(data)[0]), data });
const like = (postId: string, postAuthorId: string, userId: string) =>
  postEvent(PostEventType.liked, { postId, postAuthorId, userId });
const comment = (postId: string, postAuthorId: string, commenterId: string, mentions: string[] = []) =>
  postEvent(PostEventType.commented, { postId, postAuthorId, commentId: newId(), commenterId, text: 'hi', mentions });
const follow = (followerId: string, followeeId: string) =>
  userEvent(UserEventType.followed, { followerId, followeeId });
const registered = (userId: string, username: string) =>
  userEvent(UserEventType.registered, { userId, username, displayName: username });

const process = (event: Event) => processNotificationEvent(deps, event);
const page = (userId: string, limit = 20) => listNotifications(db.database, userId, { limit });

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
});

beforeEach(() => {
  hub = createRecordingHub();
  deps = { database: db.database, hub, followWindowMs: 60_000, mentionGraceMs: 0 };
});

describe('likes', () => {
  it('notify the author, collapse on one post while unread, newest actor first, and never self-notify', async () => {
    const [author, ana, bo, cy, dee] = [newId(), newId(), newId(), newId(), newId()];
    const post = newId();
    await process(like(post, author, author));
    expect((await page(author)).items).toEqual([]);

    for (const actor of [ana, bo, cy, dee]) await process(like(post, author, actor));
    const { items, unreadCount } = await page(author);
    expect(unreadCount).toBe(1);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      type: 'like',
      postId: post,
      commentId: null,
      actorIds: [dee, cy, bo],
      actorCount: 4,
      read: false,
    });
    // Each change went out live with the next seq of the author's inbox.
    expect(hub.announced.map((entry) => [entry.userId, entry.message.seq])).toEqual([
      [author, '1'],
      [author, '2'],
      [author, '3'],
      [author, '4'],
    ]);
    expect(hub.announced[3]?.message.notification).toEqual(items[0]);
  });

  it('the same person liking again (like, unlike, like) changes nothing; another post is another notification', async () => {
    const [author, ana] = [newId(), newId()];
    const [first, second] = [newId(), newId()];
    await process(like(first, author, ana));
    await process(postEvent(PostEventType.unliked, { postId: first, postAuthorId: author, userId: ana }));
    expect(await process(like(first, author, ana))).toBe('applied');
    await process(like(second, author, ana));
    const { items } = await page(author);
    expect(items.map((item) => [item.postId, item.actorCount])).toEqual([
      [second, 1],
      [first, 1],
    ]);
    expect(await lastSeq(db.database, author)).toBe('2');
  });

  it('a read notification takes no new actors: the next like starts a new one', async () => {
    const [author, ana, bo] = [newId(), newId(), newId()];
    const post = newId();
    await process(like(post, author, ana));
    const [first] = (await page(author)).items;
    await markRead(db.database, author, first?.id as string);
    await process(like(post, author, bo));
    const { items, unreadCount } = await page(author);
    expect(unreadCount).toBe(1);
    expect(items.map((item) => [item.actorIds, item.read])).toEqual([
      [[bo], false],
      [[ana], true],
    ]);
  });
});

describe('redelivery', () => {
  it('an event applied twice changes nothing and re-announces the latest seq instead', async () => {
    const [author, ana] = [newId(), newId()];
    const event = like(newId(), author, ana);
    expect(await process(event)).toBe('applied');
    expect(await process(event)).toBe('duplicate');
    expect((await page(author)).items[0]?.actorCount).toBe(1);
    expect(await lastSeq(db.database, author)).toBe('1');
    expect(hub.announced.map((entry) => entry.message)).toEqual([
      expect.objectContaining({ seq: '1', notification: expect.anything() }),
      { seq: '1' },
    ]);
  });

  it('concurrent deliveries of different events to one user get distinct, gapless seqs', async () => {
    const author = newId();
    const events = Array.from({ length: 12 }, () => like(newId(), author, newId()));
    await Promise.all(events.map((event) => process(event)));
    const changes = await changesAfter(db.database, author, '0', 100);
    expect(changes.map((change) => Number(change.seq))).toEqual(Array.from({ length: 12 }, (_, n) => n + 1));
  });
});

describe('comments, follows and mentions', () => {
  it('comments on one post collapse and point at the latest comment, even from the same person', async () => {
    const [author, ana, bo] = [newId(), newId(), newId()];
    const post = newId();
    const first = comment(post, author, ana);
    const second = comment(post, author, bo);
    const third = comment(post, author, ana);
    for (const event of [first, second, third]) await process(event);
    const { items } = await page(author);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      type: 'comment',
      actorIds: [ana, bo],
      actorCount: 2,
      commentId: (third.data as { commentId: string }).commentId,
    });
    expect(await lastSeq(db.database, author)).toBe('3');
  });

  it('follows collapse within the window only', async () => {
    const [user, ana, bo, cy] = [newId(), newId(), newId(), newId()];
    await process(follow(ana, user));
    await process(follow(bo, user));
    expect((await page(user)).items.map((item) => item.actorIds)).toEqual([[bo, ana]]);

    deps = { ...deps, followWindowMs: 0 };
    await process(follow(cy, user));
    expect((await page(user)).items.map((item) => item.actorIds)).toEqual([[cy], [bo, ana]]);
  });

  it('mentions resolve through the USERS projection, once per post however often it is edited', async () => {
    const [author, ana, bo] = [newId(), newId(), newId()];
    const post = newId();
    await process(registered(ana, 'Ana_M'));
    await process(registered(bo, 'bo.m'));
    const created = postEvent(PostEventType.created, {
      postId: post,
      authorId: author,
      text: '@ana_m @ghost_user',
      mediaIds: [],
      mentions: ['ana_m', 'ghost_user'],
      createdAt: new Date().toISOString(),
    });
    await process(created);
    const edited = (mentions: string[]) =>
      postEvent(PostEventType.updated, { postId: post, authorId: author, text: 'x', mentions });
    await process(edited(['ana_m', 'bo.m']));
    await process(edited(['ana_m', 'bo.m']));
    expect((await page(ana)).items).toEqual([
      expect.objectContaining({ type: 'mention', postId: post, actorIds: [author] }),
    ]);
    expect((await page(bo)).items).toHaveLength(1);
  });

  it('a comment notifies the post author once and the people it mentions, not the commenter', async () => {
    const [author, commenter, ana] = [newId(), newId(), newId()];
    await process(registered(author, `author_${author}`));
    await process(registered(commenter, `commenter_${commenter}`));
    await process(registered(ana, `ana_${ana}`));
    const event = comment(newId(), author, commenter, [`author_${author}`, `commenter_${commenter}`, `ana_${ana}`]);
    await process(event);
    expect((await page(author)).items.map((item) => item.type)).toEqual(['comment']);
    expect((await page(commenter)).items).toEqual([]);
    expect((await page(ana)).items).toEqual([
      expect.objectContaining({ type: 'mention', commentId: (event.data as { commentId: string }).commentId }),
    ]);
  });

  it('an unknown username in a recent event is retried while the grace lasts, then dropped', async () => {
    const author = newId();
    deps = { ...deps, mentionGraceMs: 60_000 };
    const recent = postEvent(PostEventType.created, {
      postId: newId(),
      authorId: author,
      text: '@nobody_here',
      mediaIds: [],
      mentions: ['nobody_here'],
      createdAt: new Date().toISOString(),
    });
    expect(await process(recent)).toBe('retry-later');
    const old = { ...recent, id: `${recent.id}-old`, time: new Date(Date.now() - 120_000).toISOString() };
    expect(await process(old)).toBe('ignored');
  });

  it('a deleted post takes its notifications along; a deleted user loses inbox and username', async () => {
    const [author, ana, other] = [newId(), newId(), newId()];
    const post = newId();
    await process(like(post, author, ana));
    await process(like(newId(), author, ana));
    await process(postEvent(PostEventType.deleted, { postId: post, authorId: author }));
    expect((await page(author)).items.map((item) => item.postId)).not.toContain(post);

    await process(registered(ana, `gone_${ana}`));
    await process(userEvent(UserEventType.deleted, { userId: author }));
    expect((await page(author)).items).toEqual([]);
    await process(userEvent(UserEventType.deleted, { userId: ana }));
    const mention = postEvent(PostEventType.created, {
      postId: newId(),
      authorId: other,
      text: 'x',
      mediaIds: [],
      mentions: [`gone_${ana}`],
      createdAt: new Date().toISOString(),
    });
    expect(await process(mention)).toBe('ignored');
  });
});

describe('listing and marking read', () => {
  it('pages newest change first, and a collapsed notification moves up when it changes', async () => {
    const author = newId();
    const posts = Array.from({ length: 5 }, () => newId());
    for (const post of posts) await process(like(post, author, newId()));
    await process(like(posts[0] as string, author, newId()));
    const first = await listNotifications(db.database, author, { limit: 2 });
    expect(first.items.map((item) => item.postId)).toEqual([posts[0], posts[4]]);
    expect(first.unreadCount).toBe(5);
    const second = await listNotifications(db.database, author, { limit: 2, cursor: first.nextCursor as string });
    const third = await listNotifications(db.database, author, { limit: 2, cursor: second.nextCursor as string });
    expect([...second.items, ...third.items].map((item) => item.postId)).toEqual([posts[3], posts[2], posts[1]]);
    expect(third.nextCursor).toBeNull();
  });

  it('marks read up to the notification shown, leaving newer ones unread', async () => {
    const author = newId();
    for (let n = 0; n < 4; n += 1) await process(like(newId(), author, newId()));
    const { items } = await page(author);
    await markRead(db.database, author, items[1]?.id as string);
    const after = await page(author);
    expect(after.items.map((item) => item.read)).toEqual([false, true, true, true]);
    expect(after.unreadCount).toBe(1);
    await expect(markRead(db.database, newId(), items[0]?.id as string)).rejects.toMatchObject({ status: 404 });
  });
});
