// Post creation rate and latency through the whole app (app.inject: routing, Ed25519 token
// verification, validation, the grapheme rule, the insert + outbox transaction, serialization), with
// ONE and with THREE physical shards on the local PostgreSQL, in the same run, interleaved rounds.
// Posts carry no media, so the media service is not involved. The relays are not running: this measures
// the write path, not publishing.
// Usage: pnpm --filter @scalegram/post-service bench   (about 30 s)
import { availableParallelism, cpus } from 'node:os';
import type { App } from '@scalegram/kit/app';
import { createIdGenerator } from '@scalegram/relational/id-generator';
import { type ClosedLoopResult, measureClosedLoop, medianResult } from '@scalegram/test-support/closed-loop';
import { startTokenIssuer } from '@scalegram/test-support/token-issuer';
import { buildPostApp } from '../src/app.ts';
import { createTestShards, type TestShards } from '../test/support/test-shards.ts';

const DURATION_MS = 4_000;
const ROUNDS = 3;
const CONCURRENCY = 32;
const LOOP = { durationMs: DURATION_MS, concurrency: CONCURRENCY };
const USERS = 500;

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
const results: { one: ClosedLoopResult[]; three: ClosedLoopResult[] } = { one: [], three: [] };
try {
  // Warm-up: JIT, pools, token verifier key cache.
  await measureClosedLoop(LOOP, create(one.app));
  await measureClosedLoop(LOOP, create(three.app));
  for (let round = 0; round < ROUNDS; round++) {
    results.one.push(await measureClosedLoop(LOOP, create(one.app)));
    results.three.push(await measureClosedLoop(LOOP, create(three.app)));
  }
} finally {
  // Drop the scratch databases even when a round fails.
  for (const setupResult of [one, three]) {
    await setupResult.app.close();
    await setupResult.shards.drop();
  }
  await tokens.close();
}
const r1 = medianResult(results.one);
const r3 = medianResult(results.three);

const row = (name: string, r: ClosedLoopResult) =>
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
