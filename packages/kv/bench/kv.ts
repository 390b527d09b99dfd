// Key-value benchmark: the Redis adapter and the in-memory adapter, same operations, same run.
// Run: pnpm --filter @scalegram/kv bench   (REDIS_URL overrides redis://127.0.0.1:6379)
//
// Each row is measured twice: one operation at a time (latency-bound: every Redis call pays a round trip)
// and with CONCURRENCY operations in flight (throughput-bound: ioredis pipelines them on one connection).
// The figures are adapter throughputs on this machine at this moment; compare ratios, not absolutes.
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { Redis } from 'ioredis';
import { Bench } from 'tinybench';
import { createMemoryStore } from '../src/memory-store.ts';
import type { KeyValueStore } from '../src/port.ts';
import { createRedisStore } from '../src/redis-store.ts';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const keyPrefix = `bench:kv:${randomUUID()}:`;
const CONCURRENCY = 50;
const TIMELINES = 100;
const USERS = 1_000;

type Operation = (kv: KeyValueStore, i: number) => Promise<unknown>;

let sequence = 0;
const operations: Record<string, Operation> = {
  SET: (kv, i) => kv.set(`cache:${i % 1_000}`, 'a cached value of moderate size, about sixty-four bytes'),
  GET: (kv, i) => kv.get(`cache:${i % 1_000}`),
  // A fan-out write: push a post id onto a follower's timeline and cap it, in one transaction.
  'ZADD+ZTRIM': (kv, i) => {
    const id = String(++sequence).padStart(20, '0');
    return kv
      .batch()
      .zadd(`timeline:${i % TIMELINES}`, [{ member: id, score: sequence }])
      .ztrim(`timeline:${i % TIMELINES}`, 800)
      .exec();
  },
  rateLimit: (kv, i) => kv.rateLimit(`ratelimit:${i % USERS}`, { limit: 1_000_000_000, windowMs: 60_000 }),
};

const redisStore = await createRedisStore({ url, keyPrefix });
const memoryStore = createMemoryStore({ keyPrefix });
const stores = { redis: redisStore, memory: memoryStore };

const bench = new Bench({ time: 1_000, warmupTime: 200 });
for (const [name, operation] of Object.entries(operations)) {
  for (const [storeName, kv] of Object.entries(stores)) {
    let i = 0;
    bench.add(`${name}|sequential|${storeName}`, () => operation(kv, i++));
    bench.add(`${name}|${CONCURRENCY} in flight|${storeName}`, () =>
      Promise.all(Array.from({ length: CONCURRENCY }, () => operation(kv, i++))),
    );
  }
}
await bench.run();

/** Operations per second: operations per iteration divided by the mean iteration time. */
function opsPerSecond(taskName: string): number {
  const result = bench.getTask(taskName)?.result;
  if (!result || result.error) throw result?.error ?? new Error(`no result for ${taskName}`);
  const perIteration = taskName.includes('in flight') ? CONCURRENCY : 1;
  return (perIteration * 1_000) / result.latency.mean;
}

const inspector = new Redis(url);
const redisVersion = /redis_version:(\S+)/.exec(await inspector.info('server'))?.[1] ?? 'unknown';
const format = (n: number) => Math.round(n).toLocaleString('en-US');

console.log(`\n### Key-value store: Redis ${redisVersion} (ioredis) vs in-memory\n`);
console.log(
  `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}, ` +
    `${new Date().toISOString()}; Redis on 127.0.0.1, shared machine\n`,
);
console.log('| operation | mode | Redis ops/s | memory ops/s | memory / Redis |');
console.log('|---|---|---:|---:|---:|');
for (const name of Object.keys(operations)) {
  for (const mode of ['sequential', `${CONCURRENCY} in flight`]) {
    const redis = opsPerSecond(`${name}|${mode}|redis`);
    const memory = opsPerSecond(`${name}|${mode}|memory`);
    console.log(`| ${name} | ${mode} | ${format(redis)} | ${format(memory)} | ${(memory / redis).toFixed(1)}× |`);
  }
}

// Leave the shared Redis as we found it.
let cursor = '0';
do {
  const [next, keys] = await inspector.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 500);
  if (keys.length > 0) await inspector.del(...keys);
  cursor = next;
} while (cursor !== '0');
await inspector.quit();
await Promise.all([redisStore.close(), memoryStore.close()]);
