// Embedded mode keeps its streams across restarts: what was published and not yet acknowledged is
// delivered again after the process comes back, and nothing that was acknowledged is.
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createEvent } from '@scalegram/contracts/events';
import { createInProcessBus } from '../src/in-process-bus.ts';
import type { Delivery, MessageBus } from '../src/port.ts';
import { collect, waitFor } from './contract/wait.ts';

const event = (n: number) => createEvent({ type: 'test.happened', source: '/test', subject: String(n), data: { n } });
const consumeOptions = { stream: 'POSTS', durable: 'feed', ackWaitMs: 5_000, maxDeliver: 3 };

describe('in-process bus journal', () => {
  let dataDir: string;
  const open: MessageBus[] = [];
  const openBus = async () => {
    const bus = await createInProcessBus({ dataDir });
    open.push(bus);
    return bus;
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'queue-journal-'));
  });

  afterAll(async () => {
    for (const bus of open) await bus.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('redelivers only unacknowledged messages after a restart, and remembers ids and retention', async () => {
    const first = await openBus();
    await first.ensureStream({ name: 'POSTS', subjects: ['post.>'], retention: 'limits' });
    await first.ensureStream({ name: 'JOBS', subjects: ['job.>'], retention: 'workqueue' });
    const events = [event(1), event(2), event(3)];
    for (const e of events) await first.publish('post.created', e);
    for (let i = 0; i < 4; i++) await first.publish('job.resize', event(10 + i));

    const handled: Delivery<{ n: number }>[] = [];
    const feed = await first.consume<{ n: number }>(consumeOptions, (d) => {
      handled.push(d);
    });
    await waitFor(() => handled.length >= 1);
    await feed.stop(); // drains after the first message or so: the rest stays unacknowledged
    const jobs = await collect(first, { stream: 'JOBS', durable: 'resizer', ackWaitMs: 5_000, maxDeliver: 3 });
    await waitFor(() => jobs.got.length === 4);
    await jobs.consumer.stop();
    await first.close();

    const second = await openBus();
    expect(await second.streamState('POSTS')).toEqual({ name: 'POSTS', messages: 3, lastSeq: 3 });
    expect(await second.streamState('JOBS')).toEqual({ name: 'JOBS', messages: 0, lastSeq: 4 });
    expect((await second.publish('post.created', events[0] as (typeof events)[0])).duplicate).toBe(true);
    const next = await second.publish('post.created', event(4));
    expect(next.seq).toBe(4);

    const again = await collect<{ n: number }>(second, consumeOptions);
    const expected = [1, 2, 3, 4].filter((n) => !handled.some((d) => d.event.data.n === n));
    await waitFor(() => again.got.length === expected.length);
    await again.consumer.stop();
    expect(again.got.map((d) => d.event.data.n)).toEqual(expected);
  });

  it('keeps what an unclosed (crashed) bus had acknowledged, and skips a torn last line', async () => {
    const crashed = await createInProcessBus({ dataDir: join(dataDir, 'crash') });
    await crashed.ensureStream({ name: 'MEDIA', subjects: ['media.>'], retention: 'limits' });
    await crashed.publish('media.ready', event(1));
    await crashed.publish('media.ready', event(2));
    // No close(): the process "dies" here, halfway through writing another record.
    await appendFile(join(dataDir, 'crash', 'bus.jsonl'), '{"t":"msg","stream":"MEDIA","mess');

    const recovered = await createInProcessBus({ dataDir: join(dataDir, 'crash') });
    open.push(crashed, recovered);
    const { got, consumer } = await collect<{ n: number }>(recovered, {
      stream: 'MEDIA',
      durable: 'w',
      ackWaitMs: 5_000,
      maxDeliver: 3,
    });
    await waitFor(() => got.length === 2);
    await consumer.stop();
    expect(got.map((d) => [d.event.data.n, d.streamSeq])).toEqual([
      [1, 1],
      [2, 2],
    ]);
  });

  it('compacts the journal on open to what is still stored', async () => {
    const dir = join(dataDir, 'compact');
    const bus = await createInProcessBus({ dataDir: dir });
    await bus.ensureStream({ name: 'JOBS', subjects: ['job.>'], retention: 'workqueue' });
    for (let i = 0; i < 50; i++) await bus.publish('job.resize', event(i));
    const jobs = await collect(bus, {
      stream: 'JOBS',
      durable: 'resizer',
      ackWaitMs: 5_000,
      maxDeliver: 3,
      concurrency: 8,
    });
    await waitFor(() => jobs.got.length === 50);
    await jobs.consumer.stop();
    await bus.close();
    const before = (await readFile(join(dir, 'bus.jsonl'), 'utf8')).trim().split('\n').length;

    open.push(await createInProcessBus({ dataDir: dir }));
    const lines = (await readFile(join(dir, 'bus.jsonl'), 'utf8')).trim().split('\n');
    expect(before).toBeGreaterThan(100); // 50 messages and 50 acks, at least
    // JOBS and its durable, and the DLQ stream the consumer provisioned: no message or ack is left.
    expect(lines.map((line) => (JSON.parse(line) as { t: string }).t)).toEqual(['stream', 'consumer', 'stream']);
  });
});
