// Message bus benchmark: NATS JetStream vs the in-process bus (in memory, and journaling to a data
// directory), in the same run on the same machine.
//   1. publish-to-consume latency at a fixed publish rate (open loop: latency is measured from the time
//      each message was SCHEDULED to be sent, so a stalled publisher cannot hide its own delay);
//   2. maximum throughput: publishes with a bounded number in flight, and the time until all are consumed;
//   3. one awaited publish at a time (tinybench), i.e. the round trip a request handler pays per event.
// Usage: pnpm --filter @scalegram/queue bench   (NATS_URL overrides nats://127.0.0.1:4222)
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createEvent } from '@scalegram/contracts/events';
import hdr from 'hdr-histogram-js';
import { Bench } from 'tinybench';
import { createInProcessBus } from '../src/in-process-bus.ts';
import { createNatsBus } from '../src/nats-bus.ts';
import type { MessageBus } from '../src/port.ts';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const RATE_PER_S = 1_000;
const LATENCY_SECONDS = 4;
const THROUGHPUT_MESSAGES = 20_000;
const PUBLISH_WINDOW = 256;
const CONSUMER_CONCURRENCY = 64;

interface Figures {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  publishPerS: number;
  consumePerS: number;
  awaitedPublishPerS: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function uniqueStream(): { name: string; subject: string } {
  const name = `BENCH_${Math.random().toString(36).slice(2, 10).toUpperCase()}`;
  return { name, subject: `${name.toLowerCase()}.created` };
}

async function provision(bus: MessageBus, created: string[]): Promise<{ name: string; subject: string }> {
  const stream = uniqueStream();
  await bus.ensureStream({ name: stream.name, subjects: [`${stream.name.toLowerCase()}.>`], retention: 'limits' });
  created.push(stream.name);
  return stream;
}

async function latencyAtFixedRate(bus: MessageBus, created: string[]) {
  const stream = await provision(bus, created);
  const histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });
  const total = RATE_PER_S * LATENCY_SECONDS;
  let received = 0;
  const consumer = await bus.consume<{ scheduledAt: number }>(
    { stream: stream.name, durable: 'latency', ackWaitMs: 30_000, maxDeliver: 3, concurrency: CONSUMER_CONCURRENCY },
    (d) => {
      histogram.recordValue(Math.round((performance.now() - d.event.data.scheduledAt) * 1000)); // microseconds
      received++;
    },
  );
  const start = performance.now();
  let sent = 0;
  const publishes: Promise<unknown>[] = [];
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) * RATE_PER_S) / 1000));
    for (; sent < due; sent++) {
      const scheduledAt = start + (sent * 1000) / RATE_PER_S;
      const event = createEvent({ type: 'bench.sent', source: '/bench', subject: String(sent), data: { scheduledAt } });
      publishes.push(bus.publish(stream.subject, event));
    }
    await sleep(1);
  }
  await Promise.all(publishes);
  while (received < total) await sleep(5);
  await consumer.stop();
  const ms = (us: number) => us / 1000;
  return {
    p50Ms: ms(histogram.getValueAtPercentile(50)),
    p99Ms: ms(histogram.getValueAtPercentile(99)),
    maxMs: ms(histogram.maxValue),
  };
}

async function maxThroughput(bus: MessageBus, created: string[]) {
  const stream = await provision(bus, created);
  let received = 0;
  let lastReceivedAt = 0;
  const consumer = await bus.consume(
    { stream: stream.name, durable: 'throughput', ackWaitMs: 30_000, maxDeliver: 3, concurrency: CONSUMER_CONCURRENCY },
    () => {
      received++;
      lastReceivedAt = performance.now();
    },
  );
  const start = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < THROUGHPUT_MESSAGES) {
      const n = next++;
      await bus.publish(
        stream.subject,
        createEvent({ type: 'bench.sent', source: '/bench', subject: String(n), data: { n } }),
      );
    }
  };
  await Promise.all(Array.from({ length: PUBLISH_WINDOW }, worker));
  const publishSeconds = (performance.now() - start) / 1000;
  while (received < THROUGHPUT_MESSAGES) await sleep(5);
  await consumer.stop();
  return {
    publishPerS: THROUGHPUT_MESSAGES / publishSeconds,
    consumePerS: THROUGHPUT_MESSAGES / ((lastReceivedAt - start) / 1000),
  };
}

async function awaitedPublish(bus: MessageBus, created: string[]) {
  const stream = await provision(bus, created);
  const bench = new Bench({ time: 1_500, warmupTime: 200 });
  let n = 0;
  bench.add('publish', async () => {
    n++;
    await bus.publish(
      stream.subject,
      createEvent({ type: 'bench.sent', source: '/bench', subject: String(n), data: { n } }),
    );
  });
  await bench.run();
  return { awaitedPublishPerS: bench.tasks[0]?.result?.throughput?.mean ?? Number.NaN };
}

async function measure(bus: MessageBus, created: string[]): Promise<Figures> {
  const latency = await latencyAtFixedRate(bus, created);
  const throughput = await maxThroughput(bus, created);
  const awaited = await awaitedPublish(bus, created);
  return { ...latency, ...throughput, ...awaited };
}

const natsCreated: string[] = [];
const natsBus = await createNatsBus({ servers: NATS_URL, name: 'queue-bench' });
const nats = await measure(natsBus, natsCreated);
await natsBus.close();
const memoryBus = await createInProcessBus();
const memory = await measure(memoryBus, []);
await memoryBus.close();
// The embedded mode with a data directory: every publish waits for its journal write.
const dataDir = await mkdtemp(join(tmpdir(), 'queue-bench-'));
const journaledBus = await createInProcessBus({ dataDir });
const journaled = await measure(journaledBus, []);
await journaledBus.close();
await rm(dataDir, { recursive: true, force: true });

// Leave the shared server as we found it.
const nc = await connect({ servers: NATS_URL });
const jsm = await jetstreamManager(nc);
const natsVersion = nc.info?.version ?? 'unknown';
for (const name of natsCreated) await jsm.streams.delete(name);
await nc.close();

const fmt = (v: number, digits: number) =>
  v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const rows: [string, keyof Figures, number][] = [
  [`latency p50 at ${RATE_PER_S} msg/s (ms)`, 'p50Ms', 2],
  [`latency p99 at ${RATE_PER_S} msg/s (ms)`, 'p99Ms', 2],
  [`latency max at ${RATE_PER_S} msg/s (ms)`, 'maxMs', 2],
  [`max publish throughput, ${PUBLISH_WINDOW} in flight (msg/s)`, 'publishPerS', 0],
  ['publish-to-consume throughput (msg/s)', 'consumePerS', 0],
  ['one awaited publish at a time (ops/s)', 'awaitedPublishPerS', 0],
];
console.log(`\n### Message bus: NATS JetStream ${natsVersion} vs in-process (memory / journaled)\n`);
console.log(
  `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}, ${new Date().toISOString()}; ` +
    `${LATENCY_SECONDS} s open-loop at ${RATE_PER_S} msg/s, ${THROUGHPUT_MESSAGES} messages for throughput, consumer concurrency ${CONSUMER_CONCURRENCY}.\n`,
);
console.log('| metric | NATS JetStream | in-process | in-process / NATS | in-process, journaled | journaled / NATS |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const [label, key, digits] of rows) {
  const [n, m, j] = [nats[key], memory[key], journaled[key]];
  console.log(
    `| ${label} | ${fmt(n, digits)} | ${fmt(m, digits)} | ${fmt(m / n, 2)}x | ${fmt(j, digits)} | ${fmt(j / n, 2)}x |`,
  );
}
