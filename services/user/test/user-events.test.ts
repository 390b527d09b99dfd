// Events go through the outbox to a real NATS JetStream stream: exactly once per change, and never
// for a change that rolled back. Each run uses its own stream name and subject prefix.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { Event } from '@scalegram/contracts/events';
import { createNatsBus } from '@scalegram/queue/nats-bus';
import type { Consumer, MessageBus } from '@scalegram/queue/port';
import type { OutboxRelay } from '@scalegram/relational/outbox-relay';
import type { RelationalDatabase } from '@scalegram/relational/port';
import { follow } from '../src/commands/follow-commands.ts';
import { startUserEventRelay } from '../src/events/user-event-relay.ts';
import { createProfileCache } from '../src/store/profile-cache.ts';
import type { UserDatabase } from '../src/store/schema.ts';
import { bearer, type Harness, startHarness } from './support/user-harness.ts';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const run = randomBytes(5).toString('hex');
const stream = { name: `USERS_TEST_${run.toUpperCase()}`, subjectPrefix: `t${run}.` };

let h: Harness;
let bus: MessageBus;
let relay: OutboxRelay;
let consumer: Consumer;
const received: { subject: string; event: Event }[] = [];

async function waitFor(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for events');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

beforeAll(async () => {
  h = await startHarness();
  bus = await createNatsBus({ servers: NATS_URL, name: `user-events-test-${run}` });
  relay = await startUserEventRelay({ database: h.db.database, bus, stream, pollIntervalMs: 100 });
  consumer = await bus.consume(
    { stream: stream.name, durable: 'test', ackWaitMs: 5_000, maxDeliver: 3 },
    (delivery) => {
      received.push({ subject: delivery.subject, event: delivery.event });
    },
  );
});

afterAll(async () => {
  await consumer.stop();
  await relay.stop();
  await bus.close();
  const nc = await connect({ servers: NATS_URL });
  await (await jetstreamManager(nc)).streams.delete(stream.name).catch(() => false);
  await nc.close();
  await h.close();
});

describe('user events on JetStream', () => {
  it('a follow publishes exactly one user.followed; following again publishes nothing', async () => {
    const [a, b] = [await h.register(), await h.register()];
    await waitFor(() => received.filter((r) => r.event.type === 'user.registered').length >= 2);
    await h.app.inject({ method: 'PUT', url: `/api/v1/users/${b.id}/follow`, headers: bearer(a.token) });
    await h.app.inject({ method: 'PUT', url: `/api/v1/users/${b.id}/follow`, headers: bearer(a.token) });
    // A later, different change is the marker: the relay publishes in order, so once it has arrived,
    // anything the repeated follow might have produced would have arrived too.
    await h.app.inject({ method: 'DELETE', url: `/api/v1/users/${b.id}/follow`, headers: bearer(a.token) });
    await waitFor(() => received.some((r) => r.event.type === 'user.unfollowed' && r.event.subject === a.id));
    const followed = received.filter((r) => r.event.type === 'user.followed' && r.event.subject === a.id);
    expect(followed).toHaveLength(1);
    expect(followed[0]).toMatchObject({
      subject: `${stream.subjectPrefix}user.followed`,
      event: { source: '/services/user', data: { followerId: a.id, followeeId: b.id }, specversion: '1.0' },
    });
    // The stream holds each event once (Nats-Msg-Id de-duplication on top of the outbox).
    const ids = received.map((r) => r.event.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('a change whose transaction rolls back publishes nothing', async () => {
    const [a, b] = [await h.register(), await h.register()];
    // The real follow command, on a database whose commit fails after the work is done.
    const real = h.db.database;
    const failingCommit: RelationalDatabase<UserDatabase> = {
      ...real,
      transaction: (fn) =>
        real.transaction(async (trx) => {
          await fn(trx);
          throw new Error('commit failed');
        }),
    };
    const cache = createProfileCache({ kv: h.kv, ttlMs: 1_000, logger: { warn: () => undefined } });
    await expect(follow({ database: failingCommit, cache }, a.id, b.id)).rejects.toThrow('commit failed');
    const edges = await real.db.selectFrom('follows').selectAll().where('follower_id', '=', a.id).execute();
    expect(edges).toEqual([]);

    const marker = await h.register();
    await waitFor(() => received.some((r) => r.event.type === 'user.registered' && r.event.subject === marker.id));
    expect(received.filter((r) => r.event.type === 'user.followed' && r.event.subject === a.id)).toEqual([]);
  });

  it('profile edits and deletions are announced with their data', async () => {
    const user = await h.register();
    await h.app.inject({
      method: 'PATCH',
      url: '/api/v1/users/me',
      headers: bearer(user.token),
      payload: { bio: 'new bio' },
    });
    await h.app.inject({
      method: 'DELETE',
      url: `/internal/users/${user.id}`,
      headers: bearer(await h.tokens.serviceToken('users:write')),
    });
    await waitFor(() => received.some((r) => r.event.type === 'user.deleted' && r.event.subject === user.id));
    const mine = received.filter((r) => r.event.subject === user.id).map((r) => [r.event.type, r.event.data]);
    expect(mine).toEqual([
      ['user.registered', { userId: user.id, username: user.username, displayName: user.username }],
      ['user.updated', { userId: user.id, displayName: user.username, bio: 'new bio', avatarMediaId: null }],
      ['user.deleted', { userId: user.id }],
    ]);
  });
});
