// The MessageBus contract: one suite, run unchanged against NATS JetStream and the in-process bus.
// Every test provisions its own uniquely named stream and subjects, so suites can share one server.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConflictError, NotFoundError, UnavailableError } from '@scalegram/contracts/errors';
import { createEvent, type Event } from '@scalegram/contracts/events';
import { DEAD_LETTER_STREAM, DlqHeaders, deadLetterSubject } from '../../src/dead-letter.ts';
import type { Delivery, MessageBus, Retention } from '../../src/port.ts';
import { collect, sleep, waitFor } from './wait.ts';

/** What a suite provisioned, so the NATS adapter's hooks can remove it from the shared server. */
export interface Provisioned {
  streams: string[];
  deadLetters: { subject: string; durable: string }[];
}

export interface BusContractHooks {
  makeBus(): Promise<MessageBus>;
  cleanup?(provisioned: Provisioned): Promise<void>;
}

type Payload = { n: number };

export function describeBusContract(adapter: string, hooks: BusContractHooks): void {
  describe(`MessageBus contract: ${adapter}`, () => {
    let bus: MessageBus;
    const provisioned: Provisioned = { streams: [], deadLetters: [] };

    beforeAll(async () => {
      bus = await hooks.makeBus();
    });

    afterAll(async () => {
      await bus.close();
      await hooks.cleanup?.(provisioned);
    });

    /** A fresh stream `T_<random>` capturing `t_<random>.>`. */
    async function newStream(retention: Retention = 'limits', extra: { maxMsgs?: number } = {}) {
      const name = `T_${Math.random().toString(36).slice(2, 10).toUpperCase()}`;
      const prefix = name.toLowerCase();
      await bus.ensureStream({ name, subjects: [`${prefix}.>`], retention, duplicateWindowMs: 60_000, ...extra });
      provisioned.streams.push(name);
      return { name, subject: (rest = 'created') => `${prefix}.${rest}` };
    }

    function event(n: number, id?: string): Event<Payload> {
      return createEvent({
        type: 'test.happened',
        source: '/test',
        subject: String(n),
        data: { n },
        ...(id ? { id } : {}),
      });
    }

    /** Consumes the dead-letter subject of stream/durable and returns what arrived within `ms`. */
    async function deadLetters(stream: string, durable: string, expected: number, ms = 3_000) {
      const subject = deadLetterSubject(stream, durable);
      const dlqDurable = `${durable}_dlq_reader`;
      provisioned.deadLetters.push({ subject, durable: dlqDurable });
      const got: Delivery<Payload>[] = [];
      const reader = await bus.consume<Payload>(
        {
          stream: DEAD_LETTER_STREAM,
          durable: dlqDurable,
          filterSubjects: [subject],
          ackWaitMs: 5_000,
          maxDeliver: 1,
          deadLetter: false,
        },
        (d) => {
          got.push(d);
        },
      );
      await waitFor(() => got.length >= expected, ms);
      await reader.stop();
      return got;
    }

    it('provisions streams idempotently and refuses an incompatible change', async () => {
      const s = await newStream('limits');
      const config = {
        name: s.name,
        subjects: [s.subject('>')],
        retention: 'limits' as const,
        duplicateWindowMs: 60_000,
      };
      await bus.ensureStream(config);
      await bus.ensureStream(config);
      await bus.publish(s.subject(), event(1));
      expect(await bus.streamState(s.name)).toEqual({ name: s.name, messages: 1, lastSeq: 1 });
      await expect(bus.ensureStream({ ...config, retention: 'workqueue' })).rejects.toBeInstanceOf(ConflictError);
      await expect(bus.streamState(`${s.name}_MISSING`)).rejects.toBeInstanceOf(NotFoundError);
      // Another stream may not capture subjects this one already captures.
      await expect(
        bus.ensureStream({ name: `${s.name}_OVERLAP`, subjects: [s.subject('*')], retention: 'limits' }),
      ).rejects.toBeInstanceOf(ConflictError);
    });

    it('refuses consumer options that could never deliver', async () => {
      const s = await newStream();
      const base = { stream: s.name, durable: 'bad', ackWaitMs: 1_000, maxDeliver: 3 };
      await expect(bus.consume({ ...base, concurrency: 0 }, () => {})).rejects.toBeInstanceOf(RangeError);
      await expect(bus.consume({ ...base, maxDeliver: 0 }, () => {})).rejects.toBeInstanceOf(RangeError);
    });

    it('refuses to publish to a subject no stream captures', async () => {
      const err = await bus
        .publish(`nowhere.${Math.random().toString(36).slice(2)}`, event(1))
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnavailableError);
    });

    it('refuses to consume from a stream that was never provisioned', async () => {
      const missing = { stream: `T_MISSING_${Date.now()}`, durable: 'x', ackWaitMs: 1_000, maxDeliver: 1 };
      await expect(bus.consume(missing, () => {})).rejects.toBeInstanceOf(UnavailableError);
    });

    it('delivers published events in order with their envelope, subject and sequence', async () => {
      const s = await newStream();
      const events = [event(1), event(2), event(3)];
      const results = [];
      for (const e of events) results.push(await bus.publish(s.subject(`n${e.data.n}`), e));
      expect(results.map((r) => [r.stream, r.seq, r.duplicate])).toEqual([
        [s.name, 1, false],
        [s.name, 2, false],
        [s.name, 3, false],
      ]);
      const { got, consumer } = await collect<Payload>(bus, {
        stream: s.name,
        durable: 'reader',
        ackWaitMs: 5_000,
        maxDeliver: 3,
      });
      await waitFor(() => got.length === 3);
      await consumer.stop();
      expect(got.map((d) => d.event)).toEqual(events);
      expect(got.map((d) => [d.subject, d.streamSeq, d.deliveryCount, d.stream, d.durable])).toEqual([
        [s.subject('n1'), 1, 1, s.name, 'reader'],
        [s.subject('n2'), 2, 1, s.name, 'reader'],
        [s.subject('n3'), 3, 1, s.name, 'reader'],
      ]);
    });

    it('de-duplicates by msgId (the event id by default) within the window', async () => {
      const s = await newStream();
      const first = event(1);
      const a = await bus.publish(s.subject(), first);
      const again = await bus.publish(s.subject(), first);
      const b = await bus.publish(s.subject(), event(2), { msgId: 'fixed-id' });
      const c = await bus.publish(s.subject(), event(3), { msgId: 'fixed-id' });
      expect([a.duplicate, again.duplicate, again.seq, b.duplicate, c.duplicate, c.seq]).toEqual([
        false,
        true,
        a.seq,
        false,
        true,
        b.seq,
      ]);
      expect((await bus.streamState(s.name)).messages).toBe(2);
      const { got, consumer } = await collect<Payload>(bus, {
        stream: s.name,
        durable: 'reader',
        ackWaitMs: 5_000,
        maxDeliver: 3,
      });
      await waitFor(() => got.length === 2);
      await sleep(200);
      await consumer.stop();
      expect(got.map((d) => d.event.data.n)).toEqual([1, 2]);
    });

    it('redelivers a message that is not acknowledged within ackWait', async () => {
      const s = await newStream();
      const seen: { count: number; at: number }[] = [];
      let release: () => void = () => {};
      const stuck = new Promise<void>((resolve) => {
        release = resolve;
      });
      const consumer = await bus.consume<Payload>(
        { stream: s.name, durable: 'slow', ackWaitMs: 500, maxDeliver: 5, concurrency: 2 },
        async (d) => {
          seen.push({ count: d.deliveryCount, at: Date.now() });
          if (d.deliveryCount === 1) await stuck; // holds the first delivery past its ack wait
        },
      );
      await bus.publish(s.subject(), event(1));
      await waitFor(() => seen.length >= 2, 5_000);
      release();
      await consumer.stop();
      const [first, second] = seen;
      expect(second?.count).toBe(2);
      expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(400);
    });

    it('keeps a long handler that signals working() from being redelivered', async () => {
      const s = await newStream();
      const counts: number[] = [];
      const consumer = await bus.consume<Payload>(
        { stream: s.name, durable: 'long', ackWaitMs: 500, maxDeliver: 5, concurrency: 2 },
        async (d, control) => {
          counts.push(d.deliveryCount);
          for (let i = 0; i < 6; i++) {
            await sleep(200);
            control.working();
          }
        },
      );
      await bus.publish(s.subject(), event(1));
      await waitFor(() => counts.length >= 1);
      await sleep(1_600);
      await consumer.stop();
      expect(counts).toEqual([1]);
    });

    it('redelivers after an explicit nak only once the delay has passed', async () => {
      const s = await newStream();
      const seen: { count: number; at: number }[] = [];
      const consumer = await bus.consume<Payload>(
        { stream: s.name, durable: 'nak', ackWaitMs: 5_000, maxDeliver: 5 },
        (d, control) => {
          seen.push({ count: d.deliveryCount, at: Date.now() });
          if (d.deliveryCount === 1) control.nak(700);
        },
      );
      await bus.publish(s.subject(), event(1));
      await waitFor(() => seen.length >= 2, 5_000);
      await consumer.stop();
      expect(seen.map((x) => x.count)).toEqual([1, 2]);
      expect((seen[1]?.at ?? 0) - (seen[0]?.at ?? 0)).toBeGreaterThanOrEqual(600);
    });

    it('never redelivers a terminated message, and dead-letters it with the reason', async () => {
      const s = await newStream();
      const counts: number[] = [];
      const consumer = await bus.consume<Payload>(
        { stream: s.name, durable: 'poison', ackWaitMs: 300, maxDeliver: 5 },
        (d, control) => {
          counts.push(d.deliveryCount);
          control.term('unparseable domain data');
        },
      );
      const published = await bus.publish(s.subject('bad'), event(7));
      const letters = await deadLetters(s.name, 'poison', 1);
      await sleep(900); // three ack waits: a redelivery would have happened by now
      await consumer.stop();
      expect(counts).toEqual([1]);
      expect(letters).toHaveLength(1);
      expect(letters[0]?.event.data).toEqual({ n: 7 });
      expect(letters[0]?.headers[DlqHeaders.error]).toBe('unparseable domain data');
      expect(letters[0]?.headers[DlqHeaders.streamSeq]).toBe(String(published.seq));
    });

    it('dead-letters a message that fails its last delivery, with where it came from and why', async () => {
      const s = await newStream();
      const counts: number[] = [];
      const consumer = await bus.consume<Payload>(
        { stream: s.name, durable: 'failing', ackWaitMs: 2_000, maxDeliver: 3, backoffMs: [50, 50] },
        (d) => {
          counts.push(d.deliveryCount);
          throw new Error(`boom on attempt ${d.deliveryCount}`);
        },
      );
      const original = event(42);
      const published = await bus.publish(s.subject('doomed'), original);
      const letters = await deadLetters(s.name, 'failing', 1);
      await sleep(300);
      await consumer.stop();
      expect(counts).toEqual([1, 2, 3]);
      expect(letters).toHaveLength(1);
      const letter = letters[0];
      expect(letter?.event).toEqual(original);
      expect(letter?.subject).toBe(deadLetterSubject(s.name, 'failing'));
      expect(letter?.headers).toMatchObject({
        [DlqHeaders.subject]: s.subject('doomed'),
        [DlqHeaders.stream]: s.name,
        [DlqHeaders.durable]: 'failing',
        [DlqHeaders.streamSeq]: String(published.seq),
        [DlqHeaders.deliveries]: '3',
        [DlqHeaders.error]: 'boom on attempt 3',
      });
    });

    it('dead-letters a message whose last delivery is never acknowledged (crashed or hung handler)', async () => {
      const s = await newStream();
      const counts: number[] = [];
      let release: () => void = () => {};
      const hung = new Promise<void>((resolve) => {
        release = resolve;
      });
      const consumer = await bus.consume<Payload>(
        { stream: s.name, durable: 'hung', ackWaitMs: 400, maxDeliver: 2, backoffMs: [50], concurrency: 2 },
        async (d) => {
          counts.push(d.deliveryCount);
          if (d.deliveryCount === 1) throw new Error('first attempt fails');
          await hung; // the last attempt never finishes within its ack wait
        },
      );
      await bus.publish(s.subject(), event(5));
      const letters = await deadLetters(s.name, 'hung', 1);
      release();
      await consumer.stop();
      // The spare delivery reached the bus, which dead-lettered it without running the handler a third time.
      expect(counts).toEqual([1, 2]);
      expect(letters[0]?.headers).toMatchObject({
        [DlqHeaders.deliveries]: '2',
        [DlqHeaders.error]: 'no ack after the last allowed delivery',
      });
    });

    it('waits the back-off schedule between failed deliveries', async () => {
      const s = await newStream();
      const at: number[] = [];
      const consumer = await bus.consume<Payload>(
        {
          stream: s.name,
          durable: 'backoff',
          ackWaitMs: 5_000,
          maxDeliver: 3,
          backoffMs: [200, 700],
          deadLetter: false,
        },
        () => {
          at.push(Date.now());
          throw new Error('still failing');
        },
      );
      await bus.publish(s.subject(), event(1));
      await waitFor(() => at.length >= 3, 5_000);
      await sleep(300);
      await consumer.stop();
      expect(at).toHaveLength(3);
      const [a = 0, b = 0, c = 0] = at;
      expect(b - a).toBeGreaterThanOrEqual(150);
      expect(b - a).toBeLessThan(600);
      expect(c - b).toBeGreaterThanOrEqual(600);
      expect(c - b).toBeLessThan(1_400);
    });

    it('shares one durable between competing consumers: every message handled exactly once', async () => {
      const s = await newStream();
      const total = 200;
      await Promise.all(Array.from({ length: total }, (_, i) => bus.publish(s.subject(), event(i))));
      const handledBy: Record<string, number[]> = { a: [], b: [] };
      const options = { stream: s.name, durable: 'workers', ackWaitMs: 10_000, maxDeliver: 3 };
      const start = (who: 'a' | 'b') =>
        bus.consume<Payload>(options, async (d) => {
          handledBy[who]?.push(d.event.data.n);
          await sleep(1); // a little work, so both replicas get a share
        });
      const [a, b] = await Promise.all([start('a'), start('b')]);
      await waitFor(() => (handledBy.a?.length ?? 0) + (handledBy.b?.length ?? 0) >= total, 15_000);
      await sleep(300);
      await Promise.all([a.stop(), b.stop()]);
      const all = [...(handledBy.a ?? []), ...(handledBy.b ?? [])];
      expect(all).toHaveLength(total);
      expect(new Set(all).size).toBe(total);
      expect(handledBy.a?.length).toBeGreaterThan(0);
      expect(handledBy.b?.length).toBeGreaterThan(0);
    });

    it('never has more than maxAckPending messages of a durable outstanding', async () => {
      const s = await newStream();
      for (let i = 0; i < 6; i++) await bus.publish(s.subject(), event(i));
      let inFlight = 0;
      let peak = 0;
      let handled = 0;
      const consumer = await bus.consume<Payload>(
        { stream: s.name, durable: 'bounded', ackWaitMs: 5_000, maxDeliver: 3, maxAckPending: 2, concurrency: 5 },
        async () => {
          inFlight++;
          peak = Math.max(peak, inFlight);
          await sleep(150);
          inFlight--;
          handled++;
        },
      );
      await waitFor(() => handled === 6, 5_000);
      await consumer.stop();
      expect(peak).toBe(2);
    });

    it('gives every durable its own copy of every message', async () => {
      const s = await newStream();
      for (let i = 0; i < 20; i++) await bus.publish(s.subject(), event(i));
      const feed = await collect<Payload>(bus, { stream: s.name, durable: 'feed', ackWaitMs: 5_000, maxDeliver: 3 });
      const search = await collect<Payload>(bus, {
        stream: s.name,
        durable: 'search',
        ackWaitMs: 5_000,
        maxDeliver: 3,
      });
      await waitFor(() => feed.got.length === 20 && search.got.length === 20);
      await Promise.all([feed.consumer.stop(), search.consumer.stop()]);
      const ns = Array.from({ length: 20 }, (_, i) => i);
      expect(feed.got.map((d) => d.event.data.n)).toEqual(ns);
      expect(search.got.map((d) => d.event.data.n)).toEqual(ns);
    });

    it('resumes a durable where it stopped', async () => {
      const s = await newStream();
      const options = { stream: s.name, durable: 'resumable', ackWaitMs: 5_000, maxDeliver: 3 };
      for (let i = 0; i < 3; i++) await bus.publish(s.subject(), event(i));
      const first = await collect<Payload>(bus, options);
      await waitFor(() => first.got.length === 3);
      await first.consumer.stop();
      for (let i = 3; i < 5; i++) await bus.publish(s.subject(), event(i));
      const second = await collect<Payload>(bus, options);
      await waitFor(() => second.got.length === 2);
      await sleep(200);
      await second.consumer.stop();
      expect(second.got.map((d) => d.event.data.n)).toEqual([3, 4]);
    });

    it('delivers only the subjects a durable filters on', async () => {
      const s = await newStream();
      await bus.publish(s.subject('liked'), event(1));
      await bus.publish(s.subject('created'), event(2));
      await bus.publish(s.subject('deleted'), event(3));
      const { got, consumer } = await collect<Payload>(bus, {
        stream: s.name,
        durable: 'filtered',
        filterSubjects: [s.subject('created')],
        ackWaitMs: 5_000,
        maxDeliver: 3,
      });
      await waitFor(() => got.length >= 1);
      await sleep(200);
      await consumer.stop();
      expect(got.map((d) => d.event.data.n)).toEqual([2]);
    });

    it('drains on stop: an in-flight handler finishes and its ack sticks', async () => {
      const s = await newStream();
      const events: string[] = [];
      const options = { stream: s.name, durable: 'drain', ackWaitMs: 500, maxDeliver: 5 };
      const consumer = await bus.consume<Payload>(options, async () => {
        events.push('start');
        await sleep(400);
        events.push('end');
      });
      await bus.publish(s.subject(), event(1));
      await waitFor(() => events.includes('start'));
      await consumer.stop();
      events.push('stopped');
      expect(events).toEqual(['start', 'end', 'stopped']);
      // Had the ack been lost, the same durable would get the message again after its 500 ms ack wait.
      const again = await collect<Payload>(bus, options);
      await sleep(1_000);
      await again.consumer.stop();
      expect(again.got).toHaveLength(0);
    });

    it('applies retention: work queues drop acknowledged messages, limits keep them, interest needs a consumer', async () => {
      const wq = await newStream('workqueue');
      for (let i = 0; i < 5; i++) await bus.publish(wq.subject(), event(i));
      const job = await collect<Payload>(bus, { stream: wq.name, durable: 'jobs', ackWaitMs: 5_000, maxDeliver: 3 });
      await waitFor(() => job.got.length === 5);
      await job.consumer.stop();
      await waitFor(async () => (await bus.streamState(wq.name)).messages === 0);

      const log = await newStream('limits', { maxMsgs: 3 });
      for (let i = 0; i < 5; i++) await bus.publish(log.subject(), event(i));
      const late = await collect<Payload>(bus, { stream: log.name, durable: 'late', ackWaitMs: 5_000, maxDeliver: 3 });
      await waitFor(() => late.got.length === 3);
      await late.consumer.stop();
      expect(late.got.map((d) => d.streamSeq)).toEqual([3, 4, 5]);
      expect(await bus.streamState(log.name)).toEqual({ name: log.name, messages: 3, lastSeq: 5 });

      const interest = await newStream('interest');
      await bus.publish(interest.subject(), event(1)); // nobody listening yet: not kept
      expect((await bus.streamState(interest.name)).messages).toBe(0);
      const listener = await collect<Payload>(bus, {
        stream: interest.name,
        durable: 'listener',
        ackWaitMs: 5_000,
        maxDeliver: 3,
      });
      await bus.publish(interest.subject(), event(2));
      await waitFor(() => listener.got.length === 1);
      await listener.consumer.stop();
      expect(listener.got[0]?.event.data.n).toBe(2);
      await waitFor(async () => (await bus.streamState(interest.name)).messages === 0);
      // With two durables, a message stays until both have acknowledged it.
      const other = await collect<Payload>(bus, {
        stream: interest.name,
        durable: 'other',
        ackWaitMs: 5_000,
        maxDeliver: 3,
      });
      await other.consumer.stop();
      await bus.publish(interest.subject(), event(3));
      const again = await collect<Payload>(bus, {
        stream: interest.name,
        durable: 'listener',
        ackWaitMs: 5_000,
        maxDeliver: 3,
      });
      await waitFor(() => again.got.length === 1);
      await again.consumer.stop();
      expect((await bus.streamState(interest.name)).messages).toBe(1);
      const catchUp = await collect<Payload>(bus, {
        stream: interest.name,
        durable: 'other',
        ackWaitMs: 5_000,
        maxDeliver: 3,
      });
      await waitFor(() => catchUp.got.length === 1);
      await catchUp.consumer.stop();
      await waitFor(async () => (await bus.streamState(interest.name)).messages === 0);
    });

    it('fans transient messages out to matching subscribers, wildcards included, without storing them', async () => {
      const root = `live_${Math.random().toString(36).slice(2, 10)}`;
      const got: Record<string, string[]> = { exact: [], star: [], tail: [] };
      const subs = await Promise.all([
        bus.subscribeTransient<{ v: number }>(`${root}.user1.notification`, (_d, subject) => got.exact?.push(subject)),
        bus.subscribeTransient<{ v: number }>(`${root}.*.notification`, (_d, subject) => got.star?.push(subject)),
        bus.subscribeTransient<{ v: number }>(`${root}.>`, (d, subject) => got.tail?.push(`${subject}=${d.v}`)),
      ]);
      await bus.publishTransient(`${root}.user1.notification`, { v: 1 });
      await bus.publishTransient(`${root}.user2.notification`, { v: 2 });
      await bus.publishTransient(`${root}.user2.notification.extra`, { v: 3 });
      await waitFor(() => (got.tail?.length ?? 0) === 3);
      expect(got.exact).toEqual([`${root}.user1.notification`]);
      expect(got.star).toEqual([`${root}.user1.notification`, `${root}.user2.notification`]);
      expect(got.tail).toEqual([
        `${root}.user1.notification=1`,
        `${root}.user2.notification=2`,
        `${root}.user2.notification.extra=3`,
      ]);
      for (const sub of subs) sub.unsubscribe();
      await bus.publishTransient(`${root}.user1.notification`, { v: 4 });
      await sleep(200);
      expect(got.tail).toHaveLength(3);
    });
  });
}
