// Post creation rate and latency through the whole app (app.inject: routing, Ed25519 token
// verification, validation, the grapheme rule, the insert + outbox transaction, serialization), with
// ONE and with THREE physical shards on the local PostgreSQL, in the same run, interleaved rounds.
// Posts carry no media, so the media service is not involved. The relays are not running: this measures
// the write path, not publishing.
// Usage: pnpm --filter @scalegram/post-service bench   (about 30 s)
import { availableParallelism, cpus } from 'node:os';
import type { App } from '@scalegram/kit/app';
import { createIdGenerator } from '@scalegram/relational/id-generator';
import { buildPostApp } from '../src/app.ts';
import { createTestShards, type TestShards } from '../test/support/test-shards.ts';
import { startTokenIssuer } from '../test/support/token-issuer.ts';

const DURATION_MS = 4_000;
const ROUNDS = 3;
const CONCURRENCY = 32;
const USERS = 500;

interface Result {
  opsPerSecond: number;
  p50: number;
  p99: number;
}

async function measure(operation: (index: number) => Promise<void>): Promise<Result> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const end = started + DURATION_MS;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const index = next++;
        const t0 = performance.now();
        await operation(index);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { opsPerSecond: latencies.length / elapsed, p50: at(0.5), p99: at(0.99) };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const summarize = (results: Result[]): Result => ({
  opsPerSecond: median(results.map((r) => r.opsPerSecond)),
  p50: median(results.map((r) => r.p50)),
  p99: median(results.map((r) => r.p99)),
});

const tokens = await startTokenIssuer();
const userIds = createIdGenerator();
const users = await Promise.all(
  Array.from({ length: USERS }, async () => {
    const id = await userIds.nextString(Math.floor(Math.random() * 8192));
    return { authorization: `Bearer ${await tokens.userToken(id)}` };
  }),
);

async function setup(shardCount: number): Promise<{ app: App; shards: TestShards }> {
  // Pool size per database: 10 for one shard, 10 each for three (the service's default per shard).
  const shards = await createTestShards(shardCount, { poolMax: 10 });
  const app = buildPostApp({
    router: shards.router,
    ids: createIdGenerator(),
    media: {
      assertUsable: async (_authorId, mediaIds) => {
        if (mediaIds.length > 0) throw new Error('the benchmark posts no media');
      },
    },
    userVerifier: tokens.userVerifier,
    serviceVerifier: tokens.serviceVerifier,
    logLevel: 'silent',
  });
  await app.ready();
  return { app, shards };
}

const create = (app: App) => async (index: number) => {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/posts',
    headers: users[index % USERS] ?? {},
    payload: { text: `benchmark post ${index} with an emoji 👩‍👩‍👧 and @mention` },
  });
  if (response.statusCode !== 201) throw new Error(`create failed: ${response.statusCode} ${response.body}`);
};

const one = await setup(1);
const three = await setup(3);
const results: { one: Result[]; three: Result[] } = { one: [], three: [] };
try {
  // Warm-up: JIT, pools, token verifier key cache.
  await measure(create(one.app));
  await measure(create(three.app));
  for (let round = 0; round < ROUNDS; round++) {
    results.one.push(await measure(create(one.app)));
    results.three.push(await measure(create(three.app)));
  }
} finally {
  // Drop the scratch databases even when a round fails.
  for (const setupResult of [one, three]) {
    await setupResult.app.close();
    await setupResult.shards.drop();
  }
  await tokens.close();
}
const r1 = summarize(results.one);
const r3 = summarize(results.three);

const row = (name: string, r: Result) =>
  `| ${name} | ${r.opsPerSecond.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} |`;
console.log(
  `## Post creation (app.inject, ${CONCURRENCY} concurrent clients, median of ${ROUNDS} × ${DURATION_MS / 1000} s)\n`,
);
console.log('| Shards (physical PostgreSQL databases) | posts/s | p50 ms | p99 ms |');
console.log('|---|---:|---:|---:|');
console.log(row('1', r1));
console.log(row('3', r3));
console.log(
  `| **ratio three/one** | ${(r3.opsPerSecond / r1.opsPerSecond).toFixed(2)} | ${(r3.p50 / r1.p50).toFixed(2)} | ${(r3.p99 / r1.p99).toFixed(2)} |`,
);
console.log(
  `\nMachine: ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, ${new Date().toISOString()}.`,
);
console.log(
  'All three databases live on ONE local PostgreSQL server sharing its cores, WAL and disk, so the ratio shows the write path spread over three pools on one machine, not the capacity three servers would add; on a shared machine it varies from run to run.',
);
