// A batch of events applied in one transaction writes what the same events applied one by one write:
// the same notifications (collapsed the same way, same seqs, actors and counts), actors, inboxes and
// processed events, and announces the same changes — on PostgreSQL and on PGlite.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createEvent, type Event } from '@scalegram/contracts/events';
import { POST_EVENT_SOURCE, PostEventType } from '@scalegram/contracts/post-events';
import { USER_EVENT_SOURCE, UserEventType } from '@scalegram/contracts/user-events';
import { createPgliteEngine, type PgliteEngine } from '@scalegram/relational/pglite-engine';
import type { RelationalDatabase } from '@scalegram/relational/port';
import {
  type NotificationEventDeps,
  processNotificationEvent,
  processNotificationEvents,
} from '../src/events/notification-consumer.ts';
import { migrateNotificationDatabase } from '../src/store/migrate-notification-database.ts';
import { markRead } from '../src/store/notification-commands.ts';
import type { NotificationDatabase } from '../src/store/schema.ts';
import { newId } from './support/notification-harness.ts';
import { createRecordingHub, type RecordingHub } from './support/recording-hub.ts';
import { createTestDatabase } from './support/test-database.ts';

interface Target {
  database: RelationalDatabase<NotificationDatabase>;
  close(): Promise<void>;
}

async function postgres(): Promise<Target> {
  const db = await createTestDatabase();
  return { database: db.database, close: () => db.drop() };
}

// One engine with a schema per side, as the embedded system shares one PGlite between services.
let engine: PgliteEngine | undefined;
async function pglite(): Promise<Target> {
  engine ??= await createPgliteEngine();
  const database = await engine.database<NotificationDatabase>(`batch_${Math.random().toString(36).slice(2, 10)}`);
  await migrateNotificationDatabase(database);
  return {
    database,
    async close() {
      await database.close();
      await engine?.close();
      engine = undefined;
    },
  };
}

/** A deterministic pseudo-random sequence (mulberry32). */
function rng(seed: number) {
  let a = seed >>> 0;
  return (n: number) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * n;
  };
}

/** Follows, likes (some repeated), comments, mentions, a registration — and some events twice. */
function events(seed: number): Event[] {
  const random = rng(seed);
  const users = Array.from({ length: 7 }, () => newId());
  const names = users.map((_, i) => `batch_${seed}_${i}`);
  const posts = Array.from({ length: 3 }, () => ({ id: newId(), author: users[Math.floor(random(7))] as string }));
  const pick = <T>(items: readonly T[]) => items[Math.floor(random(items.length))] as T;
  const list: Event[] = users.map((userId, i) =>
    createEvent({
      type: UserEventType.registered,
      source: USER_EVENT_SOURCE,
      subject: userId,
      data: { userId, username: names[i], displayName: names[i] },
    }),
  );
  for (let i = 0; i < 120; i++) {
    const actor = pick(users);
    const post = pick(posts);
    const kind = random(5);
    let event: Event;
    if (kind < 2) {
      event = createEvent({
        type: UserEventType.followed,
        source: USER_EVENT_SOURCE,
        subject: actor,
        data: { followerId: actor, followeeId: pick(users) },
      });
    } else if (kind < 3.5) {
      event = createEvent({
        type: PostEventType.liked,
        source: POST_EVENT_SOURCE,
        subject: post.id,
        data: { postId: post.id, postAuthorId: post.author, userId: actor },
      });
    } else {
      const mentions = random(3) < 1 ? [pick(names).toUpperCase(), pick(names)] : [];
      event = createEvent({
        type: PostEventType.commented,
        source: POST_EVENT_SOURCE,
        subject: post.id,
        data: {
          postId: post.id,
          postAuthorId: post.author,
          commentId: newId(),
          commenterId: actor,
          text: 'hi',
          mentions,
        },
      });
    }
    list.push(event);
    if (random(10) < 1) list.push(event); // a redelivery
  }
  return list;
}

async function snapshot(database: RelationalDatabase<NotificationDatabase>) {
  const db = database.db;
  const notifications = await db
    .selectFrom('notifications')
    .select(['id', 'user_id', 'type', 'post_id', 'comment_id', 'actor_ids', 'actor_count', 'read', 'seq'])
    .select(['collapse_key', 'dedupe_key'])
    .orderBy('user_id')
    .orderBy('seq')
    .execute();
  const place = new Map(notifications.map((row) => [String(row.id), `${row.user_id}#${row.seq}`]));
  const actors = await db.selectFrom('notification_actors').select(['notification_id', 'actor_id']).execute();
  const inboxes = await db.selectFrom('notification_inboxes').selectAll().orderBy('user_id').execute();
  const processed = await db
    .selectFrom('processed_events')
    .select(['event_id', 'recipient_ids'])
    .orderBy('event_id')
    .execute();
  return {
    notifications: notifications.map(({ id: _id, ...row }) => ({ ...row, actor_ids: row.actor_ids.map(String) })),
    actors: actors.map((row) => `${place.get(String(row.notification_id))}:${row.actor_id}`).sort(),
    inboxes: inboxes.map((row) => `${row.user_id}:${row.last_seq}`),
    processed,
  };
}

/**
 * What was announced, without ids and times (which differ between two databases by nature). A
 * redelivered event re-announces its recipients' latest seq, which inside a batch is the seq after the
 * batch: those announcements are counted, not compared.
 */
const announcements = (hub: RecordingHub) => {
  const changes = hub.announced.filter(({ message }) => message.notification !== undefined);
  return {
    changes: changes
      .map(({ userId, message }) => {
        const n = message.notification;
        return JSON.stringify([userId, message.seq, n && [n.type, n.postId, n.commentId, n.actorIds, n.actorCount]]);
      })
      .sort(),
    reannounced: hub.announced.length - changes.length,
  };
};

describe.each([
  ['PostgreSQL', postgres],
  ['PGlite', pglite],
])('notification batches on %s', (_name, open) => {
  let one: Target;
  let many: Target;

  beforeAll(async () => {
    one = await open();
    many = await open();
  }, 300_000);

  afterAll(async () => {
    await one?.close();
    await many?.close();
  });

  it('write the same rows and announce the same changes as the events one by one', async () => {
    const hubOne = createRecordingHub();
    const hubMany = createRecordingHub();
    const deps = (database: RelationalDatabase<NotificationDatabase>, hub: RecordingHub): NotificationEventDeps => ({
      database,
      hub,
      followWindowMs: 60_000,
      mentionGraceMs: 0,
    });
    const list = events(13);
    for (const event of list) await processNotificationEvent(deps(one.database, hubOne), event);
    // Batches of irregular sizes, with a mark-read in between on both sides (read ones never collapse).
    const random = rng(5);
    let markedAt = -1;
    for (let start = 0; start < list.length; ) {
      const size = 1 + Math.floor(random(40));
      const outcomes = await processNotificationEvents(deps(many.database, hubMany), list.slice(start, start + size));
      expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
      start += size;
      if (markedAt < 0 && start > list.length / 2) markedAt = start;
    }
    const expected = await snapshot(one.database);
    expect(expected.notifications.length).toBeGreaterThan(5);
    expect(expected.notifications.some((row) => row.actor_count > 1)).toBe(true);
    expect(expected.notifications.some((row) => row.type === 'mention')).toBe(true);
    expect(await snapshot(many.database)).toEqual(expected);
    expect(announcements(hubMany)).toEqual(announcements(hubOne));

    // The same again after everyone marked everything read: new notifications start, on both sides.
    for (const target of [one, many]) {
      for (const inbox of await target.database.db.selectFrom('notifications').select(['id', 'user_id']).execute()) {
        await markRead(target.database, String(inbox.user_id), String(inbox.id)).catch(() => undefined);
      }
    }
    const more = events(29);
    for (const event of more) await processNotificationEvent(deps(one.database, hubOne), event);
    const outcomes = await processNotificationEvents(deps(many.database, hubMany), more);
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    expect(await snapshot(many.database)).toEqual(await snapshot(one.database));
    expect(announcements(hubMany)).toEqual(announcements(hubOne));
  }, 120_000);
});
