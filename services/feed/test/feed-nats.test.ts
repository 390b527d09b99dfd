// The fan-out worker on real NATS JetStream (unique stream names and subjects per run) and real Redis.
// The producers are not what these tests are about, so contract-valid USERS and POSTS events are
// published to the streams directly; timelines are seeded as complete (as a reader's first read leaves
// them) and inspected in Redis. Two worker replicas compete for the fan-out jobs.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createEvent, type Event } from '@scalegram/contracts/events';
import { namespacedStream } from '@scalegram/contracts/namespace';
import { POST_EVENT_SOURCE, PostEventType } from '@scalegram/contracts/post-events';
import { USER_EVENT_SOURCE, UserEventType } from '@scalegram/contracts/user-events';
import type { App } from '@scalegram/kit/app';
import { openKeyValueStore } from '@scalegram/kv/open-store';
import type { KeyValueStore } from '@scalegram/kv/port';
import { createNatsBus } from '@scalegram/queue/nats-bus';
import type { MessageBus } from '@scalegram/queue/port';
import { deleteKeys, uniquePrefix } from '@scalegram/test-support/redis-keys';
import { SHARED_REDIS_URL as REDIS_URL } from '@scalegram/test-support/shared-servers';
import { loadFeedConfig } from '../src/config.ts';
import { AFTER_SENTINEL, decodeEntry, SENTINEL } from '../src/domain/timeline-entry.ts';
import { keys } from '../src/store/feed-keys.ts';
import { startFeedWorker } from '../src/worker-service.ts';
import { eventually } from './support/feed-system.ts';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const run = randomBytes(4).toString('hex');
const prefix = uniquePrefix('feedtest');
const env = {
  JWKS_URL: 'http://127.0.0.1:9/jwks.json',
  USER_SERVICE_URL: 'http://127.0.0.1:9',
  POST_SERVICE_URL: 'http://127.0.0.1:9',
  LOG_LEVEL: 'silent',
  REDIS_URL,
  NATS_URL,
  // The workers' own namespace on the shared NATS server (ADR 0040); the test's bus joins it.
  NAMESPACE: `t${run}`,
  KV_KEY_PREFIX: prefix,
  POSTS_STREAM_NAME: `FEEDTEST_${run}_POSTS`,
  POSTS_SUBJECT_PREFIX: `feedtest.${run}.`,
  USERS_STREAM_NAME: `FEEDTEST_${run}_USERS`,
  USERS_SUBJECT_PREFIX: `feedtest.${run}.`,
  FEED_JOBS_STREAM_NAME: `FEEDTEST_${run}_FANOUT`,
  FEED_JOBS_SUBJECT_PREFIX: `feedtest.${run}.`,
  FEED_DURABLE_PREFIX: `feedtest-${run}`,
  FEED_FANOUT_BATCH_SIZE: '3',
  FEED_CELEBRITY_THRESHOLD: '100',
};
const config = loadFeedConfig(env);

let kv: KeyValueStore;
let bus: MessageBus;
const workers: App[] = [];
const batchesByWorker: [number, number] = [0, 0];
let nextId = BigInt(Date.now()) << 22n;
const newId = () => String(nextId++);

beforeAll(async () => {
  kv = await openKeyValueStore({ url: REDIS_URL, keyPrefix: prefix });
  bus = await createNatsBus({ servers: NATS_URL, name: `feed-nats-test-${run}`, namespace: config.NAMESPACE });
  for (const index of [0, 1]) {
    workers.push(
      await startFeedWorker(
        config,
        {},
        {
          onBatch: () => {
            batchesByWorker[index as 0 | 1]++;
          },
        },
      ),
    );
  }
});

afterAll(async () => {
  for (const worker of workers) await worker.close();
  await bus.close();
  const nc = await connect({ servers: NATS_URL });
  const manager = await jetstreamManager(nc);
  for (const name of [env.POSTS_STREAM_NAME, env.USERS_STREAM_NAME, env.FEED_JOBS_STREAM_NAME, 'DLQ']) {
    await manager.streams.delete(namespacedStream(config.NAMESPACE, name)).catch(() => false);
  }
  await nc.close();
  await kv.close();
  await deleteKeys(REDIS_URL, prefix);
});

async function publishUser(type: string, followerId: string, followeeId: string): Promise<void> {
  const event = createEvent({ type, source: USER_EVENT_SOURCE, subject: followerId, data: { followerId, followeeId } });
  await bus.publish(`${env.USERS_SUBJECT_PREFIX}${type}`, event);
}

function postCreated(postId: string, authorId: string): Event {
  return createEvent({
    type: PostEventType.created,
    source: POST_EVENT_SOURCE,
    subject: postId,
    data: { postId, authorId, text: 'hi', mediaIds: [], mentions: [], createdAt: new Date().toISOString() },
  });
}

async function publishPost(event: Event, msgId?: string): Promise<void> {
  await bus.publish(`${env.POSTS_SUBJECT_PREFIX}${event.type}`, event, msgId === undefined ? {} : { msgId });
}

/** A timeline as a reader's first read leaves it: complete and (here) empty. */
async function seedTimeline(userId: string): Promise<void> {
  await kv.zadd(keys.timeline(userId), [{ member: SENTINEL, score: 0 }]);
  await kv.expire(keys.timeline(userId), 60_000);
}

async function timeline(userId: string): Promise<string[]> {
  const members = await kv.zrangeByLex(keys.timeline(userId), AFTER_SENTINEL, '+', { rev: true });
  return members.map((member) => decodeEntry(member)?.postId as string);
}

describe('fan-out worker on JetStream', () => {
  it('fans a post out to every follower in jobs shared by two replicas; a redelivery duplicates nothing', async () => {
    const author = newId();
    const followers = Array.from({ length: 10 }, newId);
    const absent = newId(); // follows, but has no timeline (never read): nothing is written for them
    for (const follower of [...followers, absent]) await publishUser(UserEventType.followed, follower, author);
    await eventually(async () => (await kv.zcard(keys.followers(author))) === 11);
    for (const userId of [author, ...followers]) await seedTimeline(userId);

    const postId = newId();
    const event = postCreated(postId, author);
    await publishPost(event);
    for (const userId of [author, ...followers])
      await eventually(async () => (await timeline(userId)).includes(postId));
    expect(await kv.zcard(keys.timeline(absent))).toBe(0);
    // 11 followers in batches of 3 → 1 batch inline + 3 jobs, plus the author's own timeline.
    await eventually(async () => batchesByWorker[0] + batchesByWorker[1] === 5);

    // The same event delivered again (as after a lost ack; a new msgId so JetStream stores it again).
    await publishPost(event, `${event.id}-again`);
    const marker = newId();
    await publishPost(postCreated(marker, author));
    await eventually(async () => (await timeline(followers[9] as string)).includes(marker));
    for (const userId of [author, ...followers]) expect(await timeline(userId)).toEqual([marker, postId]);
  });

  it('backfills on follow, removes on unfollow and delete, over the real streams', async () => {
    const [author, reader] = [newId(), newId()];
    await seedTimeline(reader);
    await seedTimeline(author);
    const first = newId();
    await publishPost(postCreated(first, author));
    await eventually(async () => (await timeline(author)).includes(first));
    // The author's recent posts were never regenerated, so the feed does not know them completely:
    // following them drops the reader's timeline (the next read regenerates it) instead of guessing.
    await publishUser(UserEventType.followed, reader, author);
    await eventually(async () => (await kv.zscore(keys.followers(author), reader)) !== null);
    await eventually(async () => (await kv.zcard(keys.timeline(reader))) === 0);

    // With a complete recent-posts projection (as a regeneration leaves it) the follow backfills.
    await kv.zadd(keys.recent(author), [{ member: SENTINEL, score: 0 }]);
    await publishUser(UserEventType.unfollowed, reader, author);
    await eventually(async () => (await kv.zscore(keys.followers(author), reader)) === null);
    await seedTimeline(reader);
    const second = newId();
    await publishPost(postCreated(second, author));
    await eventually(async () => (await timeline(author)).includes(second));
    await publishUser(UserEventType.followed, reader, author);
    await eventually(async () => (await timeline(reader)).length === 2);
    expect(await timeline(reader)).toEqual([second, first]);

    await publishUser(UserEventType.unfollowed, reader, author);
    await eventually(async () => (await timeline(reader)).length === 0);

    await publishUser(UserEventType.followed, reader, author);
    await eventually(async () => (await timeline(reader)).length === 2);
    const deleted = createEvent({
      type: PostEventType.deleted,
      source: POST_EVENT_SOURCE,
      subject: second,
      data: { postId: second, authorId: author },
    });
    await publishPost(deleted);
    await eventually(async () => (await timeline(reader)).length === 1 && !(await timeline(author)).includes(second));
    // A late post.created for the deleted post (redelivered after the delete) does not bring it back.
    await publishPost(postCreated(second, author), `${newId()}`);
    const marker = newId();
    await publishPost(postCreated(marker, author));
    await eventually(async () => (await timeline(reader)).includes(marker));
    expect(await timeline(reader)).toEqual([marker, first]);
  });
});
