// With a journal, a stored message whose every interested consumer has settled it keeps only its head
// (sequence, subject, time) in memory; its payload is read back from the journal when a consumer asks
// again — a new durable replaying the stream, or after a restart. Delivery is unchanged: the contract
// suite runs journaled too (in-process-bus.test.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RawDelivery } from '../src/dispatch.ts';
import { InProcessBroker } from '../src/in-process-broker.ts';
import type { InProcessStream } from '../src/in-process-stream.ts';
import { waitFor } from './contract/wait.ts';

const logger = { warn: () => undefined };
const settings = (filterSubjects: string[] = []) => ({
  filterSubjects,
  ackWaitMs: 5_000,
  maxDeliver: 3,
  maxAckPending: 100,
});

/** Attaches a puller to durable `name` that records and acknowledges (or only records) what it gets. */
function drain(broker: InProcessBroker, stream: InProcessStream, name: string, ack = true, filter: string[] = []) {
  const got: RawDelivery[] = [];
  const puller = {
    capacity: 10,
    inFlight: 0,
    deliver: async (raw: RawDelivery) => {
      got.push(raw);
      if (ack) raw.ack();
    },
  };
  const durable = broker.durable(stream, name, settings(filter));
  durable.attach(puller);
  return { got, stop: () => durable.detach(puller) };
}

const inMemory = (stream: InProcessStream, seq: number) => 'data' in (stream.peek(seq) ?? {});

describe('in-process bus: settled payloads live in the journal, not the heap', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'queue-offload-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('drops a payload once every interested durable settled it, and reads it back for a new one and after a restart', async () => {
    const broker = await InProcessBroker.open(dir, logger);
    await broker.ensureStream({ name: 'POSTS', subjects: ['post.>'], retention: 'limits' });
    const stream = broker.streams.get('POSTS') as InProcessStream;
    const feed = drain(broker, stream, 'feed');
    const slow = drain(broker, stream, 'search', false); // receives, never acknowledges
    const likesOnly = drain(broker, stream, 'likes', true, ['post.liked']); // wants none of these
    for (let i = 1; i <= 20; i++) {
      await broker.append('post.created', JSON.stringify({ n: i, text: 'x'.repeat(200) }), { h: String(i) }, `id-${i}`);
    }
    await waitFor(() => feed.got.length === 20 && slow.got.length === 20);
    // `search` has not settled them: every payload is still in memory.
    expect([...Array(20).keys()].every((i) => inMemory(stream, i + 1))).toBe(true);
    for (const delivery of slow.got) delivery.ack();
    // Now every durable that wants them is done (`likes` filters them out): only heads remain.
    await waitFor(() => [...Array(20).keys()].every((i) => !inMemory(stream, i + 1)));
    expect(stream.size()).toBe(20);

    const late = drain(broker, stream, 'analytics');
    await waitFor(() => late.got.length === 20);
    expect(late.got.map((d) => JSON.parse(d.data).n)).toEqual([...Array(20).keys()].map((i) => i + 1));
    expect(late.got[4]?.headers).toEqual({ h: '5' });
    expect(late.got[4]?.subject).toBe('post.created');
    for (const puller of [feed, slow, likesOnly, late]) puller.stop();
    await broker.close();

    // After a restart the journal is compacted and rewritten: the payloads are found at their new places.
    const again = await InProcessBroker.open(dir, logger);
    const restored = again.streams.get('POSTS') as InProcessStream;
    expect(inMemory(restored, 7)).toBe(false);
    const replay = drain(again, restored, 'audit');
    await waitFor(() => replay.got.length === 20);
    expect(JSON.parse(replay.got[19]?.data as string)).toEqual({ n: 20, text: 'x'.repeat(200) });
    // A message that arrives after the restart is offloaded in the same way once settled.
    await again.append('post.created', JSON.stringify({ n: 21 }), {}, 'id-21');
    await waitFor(() => replay.got.length === 21);
    replay.stop();
    expect(inMemory(restored, 21)).toBe(true); // feed, search and analytics have not settled it yet
    expect(JSON.parse(restored.get(21)?.data as string)).toEqual({ n: 21 });
    await again.close();
  });
});
