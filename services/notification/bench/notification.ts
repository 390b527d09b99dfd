// Live delivery: how long from a `post.liked` published on the POSTS stream to the notification frame on
// the author's open SSE stream, with many streams open, and how many likes per second one replica turns
// into pushed notifications. Production adapters (local PostgreSQL and NATS JetStream), one replica
// listening on a real port, real HTTP clients in the same process.
//
// Same-run ceiling: the bus alone doing the same hops without the service — JetStream publish → durable
// consumer → transient publish → subscriber — at the same rate, so the ratio shows what the service
// (a transaction per event, SSE framing, HTTP) adds to the messaging it cannot avoid.
//
// Usage: pnpm --filter @scalegram/notification-service bench   (about 40 s)
import { randomBytes } from 'node:crypto';
import { availableParallelism, cpus } from 'node:os';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createEvent } from '@scalegram/contracts/events';
import { POST_EVENT_SOURCE, PostEventType } from '@scalegram/contracts/post-events';
import { createNatsBus } from '@scalegram/queue/nats-bus';
import { type Harness, NATS_URL, newId, startHarness } from '../test/support/notification-harness.ts';
import { openSse, type SseClient } from '../test/support/sse-client.ts';

const STREAMS = 200;
const RATE = 200; // likes per second, open loop
const LATENCY_SECONDS = 5;
const BURST = 2_000; // likes published as fast as possible, for throughput
const ROUNDS = 2;
const CONCURRENCY = Number(process.env.CONSUMER_CONCURRENCY ?? 4);

interface Latency {
  p50: number;
  p99: number;
  max: number;
  received: number;
}

function summarize(latencies: number[], expected: number): Latency {
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  if (latencies.length !== expected) throw new Error(`received ${latencies.length} of ${expected}`);
  return { p50: at(0.5), p99: at(0.99), max: latencies.at(-1) ?? Number.NaN, received: latencies.length };
}

/** Calls `send(i)` at `rate` per second for `count` calls; returns the intended send times. */
async function openLoop(count: number, rate: number, send: (index: number) => Promise<void>): Promise<number[]> {
  const start = performance.now();
  const intended: number[] = [];
  const pending: Promise<void>[] = [];
  for (let index = 0; index < count; index += 1) {
    const due = start + (index * 1000) / rate;
    intended.push(due);
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(send(index));
  }
  await Promise.all(pending);
  return intended;
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The service: likes on the authors' posts, each author with one open stream. */
async function measureService(h: Harness, clients: Map<string, SseClient>, authors: string[]) {
  const like = (author: string, postId: string) =>
    createEvent({
      type: PostEventType.liked,
      source: POST_EVENT_SOURCE,
      subject: postId,
      data: { postId, postAuthorId: author, userId: newId() },
    });
  const arrivals = () => {
    const byPost = new Map<string, number>();
    for (const client of clients.values()) {
      for (const frame of client.frames) byPost.set((JSON.parse(frame.data) as { postId: string }).postId, frame.at);
    }
    return byPost;
  };
  const reset = () => {
    for (const client of clients.values()) client.frames.length = 0;
  };

  // Latency at a fixed rate: every like is on a new post, so every one is a new notification and a frame.
  reset();
  const posts = Array.from({ length: RATE * LATENCY_SECONDS }, () => newId());
  const intended = await openLoop(posts.length, RATE, (index) =>
    h.publish(like(authors[index % authors.length] as string, posts[index] as string)),
  );
  await waitFor(() => arrivals().size >= posts.length, 30_000, 'latency frames');
  const seen = arrivals();
  const latency = summarize(
    posts.map((post, index) => (seen.get(post) ?? Number.NaN) - (intended[index] as number)),
    posts.length,
  );

  // Throughput: a burst published as fast as the publisher goes, until the last frame arrives.
  reset();
  const burst = Array.from({ length: BURST }, () => newId());
  const started = performance.now();
  await Promise.all(burst.map((post, index) => h.publish(like(authors[index % authors.length] as string, post))));
  await waitFor(() => arrivals().size >= BURST, 60_000, 'burst frames');
  const perSecond = BURST / ((Math.max(...arrivals().values()) - started) / 1000);
  return { latency, perSecond };
}

/** The ceiling: the same hops on the bus alone (stream → durable consumer → transient → subscriber). */
async function measureBus(run: string) {
  const bus = await createNatsBus({ servers: NATS_URL, name: `notification-bench-ceiling-${run}` });
  const stream = `POSTS_NB_CEIL_${run.toUpperCase()}`;
  const subject = `nbc${run}.post.liked`;
  await bus.ensureStream({ name: stream, subjects: [`nbc${run}.post.>`], retention: 'limits' });
  const arrivals = new Map<string, number>();
  const subscription = await bus.subscribeTransient<{ postId: string }>(`nbc${run}.notify.>`, (data) => {
    arrivals.set(data.postId, performance.now());
  });
  const consumer = await bus.consume<{ postId: string; postAuthorId: string }>(
    { stream, durable: 'ceiling', ackWaitMs: 30_000, maxDeliver: 3 },
    async (delivery) => {
      await bus.publishTransient(`nbc${run}.notify.user.${delivery.event.data.postAuthorId}`, delivery.event.data);
    },
  );
  const publish = (postId: string) =>
    bus
      .publish(
        subject,
        createEvent({
          type: PostEventType.liked,
          source: POST_EVENT_SOURCE,
          subject: postId,
          data: { postId, postAuthorId: newId(), userId: newId() },
        }),
      )
      .then(() => undefined);
  try {
    const posts = Array.from({ length: RATE * LATENCY_SECONDS }, () => newId());
    const intended = await openLoop(posts.length, RATE, (index) => publish(posts[index] as string));
    await waitFor(() => posts.every((post) => arrivals.has(post)), 30_000, 'ceiling latency');
    const latency = summarize(
      posts.map((post, index) => (arrivals.get(post) as number) - (intended[index] as number)),
      posts.length,
    );
    const burst = Array.from({ length: BURST }, () => newId());
    const started = performance.now();
    await Promise.all(burst.map((post) => publish(post)));
    await waitFor(() => burst.every((post) => arrivals.has(post)), 60_000, 'ceiling burst');
    const perSecond = BURST / ((Math.max(...burst.map((post) => arrivals.get(post) as number)) - started) / 1000);
    return { latency, perSecond };
  } finally {
    await consumer.stop();
    subscription.unsubscribe();
    await bus.close();
    const nc = await connect({ servers: NATS_URL });
    await (await jetstreamManager(nc)).streams.delete(stream).catch(() => false);
    await nc.close();
  }
}

const fmt = (value: number, digits = 1) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

async function main(): Promise<void> {
  console.log(`machine: ${availableParallelism()} vCPU (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`);
  console.log(
    `consumer concurrency ${CONCURRENCY}, pool 10; ${STREAMS} open streams; ${RATE} likes/s for ${LATENCY_SECONDS} s (latency); bursts of ${BURST} (throughput)`,
  );
  const results: {
    service: Awaited<ReturnType<typeof measureService>>;
    bus: Awaited<ReturnType<typeof measureBus>>;
  }[] = [];
  const h = await startHarness({ replicas: 1, poolMax: 10, consumerConcurrency: CONCURRENCY });
  const clients = new Map<string, SseClient>();
  try {
    const authors = Array.from({ length: STREAMS }, () => newId());
    for (const author of authors) {
      const token = await h.tokens.userToken(author, { expiresIn: '30m' });
      clients.set(
        author,
        await openSse(`${h.replicas[0]?.url}/api/v1/notifications/stream`, { authorization: `Bearer ${token}` }),
      );
    }
    for (let round = 0; round < ROUNDS; round += 1) {
      // Alternating, so that a noisy neighbour hurts both sides of the ratio alike.
      const bus = await measureBus(`${randomBytes(4).toString('hex')}`);
      const service = await measureService(h, clients, authors);
      results.push({ service, bus });
      console.log(
        `round ${round + 1}: service p50 ${fmt(service.latency.p50)} p99 ${fmt(service.latency.p99)} ms, ${fmt(service.perSecond, 0)}/s;` +
          ` bus p50 ${fmt(bus.latency.p50)} p99 ${fmt(bus.latency.p99)} ms, ${fmt(bus.perSecond, 0)}/s`,
      );
    }
  } finally {
    for (const client of clients.values()) client.close();
    await h.close();
  }
  const mean = (pick: (r: (typeof results)[number]) => number) =>
    results.reduce((s, r) => s + pick(r), 0) / results.length;
  const rows: [string, number, number][] = [
    ['latency p50 (ms)', mean((r) => r.service.latency.p50), mean((r) => r.bus.latency.p50)],
    ['latency p99 (ms)', mean((r) => r.service.latency.p99), mean((r) => r.bus.latency.p99)],
    ['burst throughput (likes/s)', mean((r) => r.service.perSecond), mean((r) => r.bus.perSecond)],
  ];
  console.log('\n| metric | notification service | bus alone (ceiling) | service / ceiling |\n|---|---:|---:|---:|');
  for (const [name, service, bus] of rows) {
    const digits = name.startsWith('burst') ? 0 : 1;
    console.log(`| ${name} | ${fmt(service, digits)} | ${fmt(bus, digits)} | ${fmt(service / bus, 2)} |`);
  }
}

await main();
