// Post creation rate and latency through the gateway, as a client sees them, with ONE and with THREE
// physical shards (issue #4). Unlike bench/post.ts (app.inject, one process), every hop is real: the
// client (autocannon, in this process) → the gateway (child process: edge checks, token verification,
// proxying) → the post service (child process: token verification again, validation, the insert +
// outbox transaction on the shard chosen by the author's id) → PostgreSQL. The post service runs as
// deployed, outbox relays included, publishing to its in-process bus (no NATS_URL). Posts carry no
// media, so MEDIA_SERVICE_URL is never called.
//
// Each request carries the token of one of USERS users with random ids, so the posts spread over the
// logical shards and hence over the physical databases. Only 201 Created counts as a post.
// Usage: pnpm --filter @scalegram/post-service bench:gateway   (about 30 s)
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createIdGenerator, LOGICAL_SHARDS } from '@scalegram/relational/id-generator';
import { createPostgresDatabase } from '@scalegram/relational/postgres-database';
import { createScratchDatabases } from '@scalegram/test-support/scratch-databases';
import { type ServiceProcess, startServiceProcess } from '@scalegram/test-support/service-process';
import { startTokenIssuer, TEST_ISSUER } from '@scalegram/test-support/token-issuer';
import autocannon from 'autocannon';
import { sql } from 'kysely';

const SHARD_COUNTS = [1, 3];
const CONNECTIONS = 32;
const WARM_UP_S = 3;
const ROUNDS = 2;
const DURATION_S = 5;
const USERS = 500;
const SERVICES = fileURLToPath(new URL('../../', import.meta.url));

interface Result {
  postsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

// The auth service's signing side, stood in for: an Ed25519 key whose JWKS both the gateway and the
// post service fetch, and one token per user signed exactly as auth signs access tokens.
const tokens = await startTokenIssuer();

const userIds = createIdGenerator();
const authorizations = await Promise.all(
  Array.from({ length: USERS }, async () => {
    const id = await userIds.nextString(Math.floor(Math.random() * LOGICAL_SHARDS));
    return `Bearer ${await tokens.userToken(id, { expiresIn: '15m' })}`;
  }),
);

// Logs at `error` only: the figures are about the request path, not about writing log lines.
function startService(name: string, env: Record<string, string>): Promise<ServiceProcess> {
  return startServiceProcess({
    entry: `${name}/src/server.ts`,
    cwd: SERVICES,
    env: { LOG_LEVEL: 'error', JWKS_URL: tokens.jwksUrl, AUTH_ISSUER: TEST_ISSUER, ...env },
  });
}

async function load(url: string, durationS: number): Promise<Result> {
  let next = 0;
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: durationS,
    requests: [
      {
        method: 'POST',
        path: '/api/v1/posts',
        // A fresh author (round-robin over the users) and a fresh text for every request.
        setupRequest: (request) => {
          const index = next++;
          return {
            ...request,
            headers: {
              ...request.headers,
              authorization: authorizations[index % USERS] as string,
              'content-type': 'application/json',
            },
            body: JSON.stringify({ text: `benchmark post ${index} with an emoji 👩‍👩‍👧 and @mention` }),
          };
        },
      },
    ],
  });
  const created = result.statusCodeStats?.['201']?.count ?? 0;
  return {
    postsPerSecond: created / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/** Rows in `posts` per database: shows that the authors' posts really spread over the shards. */
async function postsPerDatabase(urls: string[]): Promise<number[]> {
  return Promise.all(
    urls.map(async (connectionString) => {
      const database = createPostgresDatabase<unknown>({ connectionString, poolMax: 1 });
      try {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from posts`.execute(database.db);
        return rows[0]?.n ?? 0;
      } finally {
        await database.close();
      }
    }),
  );
}

async function benchShards(shardCount: number): Promise<{ results: Result[]; stored: number[] }> {
  const scratch = await createScratchDatabases('sg_post_bench', shardCount);
  const urls = scratch.urls;
  const children: ServiceProcess[] = [];
  try {
    // The post service migrates its shards at boot; pool size stays at its default (10 per shard).
    const post = await startService('post', {
      POST_DATABASE_URLS: urls.join(','),
      MEDIA_SERVICE_URL: 'http://127.0.0.1:9',
    });
    children.push(post);
    const gateway = await startService('gateway', {
      AUTH_SERVICE_URL: 'http://127.0.0.1:9',
      USER_SERVICE_URL: 'http://127.0.0.1:9',
      POST_SERVICE_URL: post.url,
      RATE_LIMIT_ENABLED: 'false',
    });
    children.push(gateway);
    await post.ready;
    await gateway.ready;
    const gatewayUrl = gateway.url;
    // Warm-up: JIT in both processes, keep-alive pools, the JWKS caches, the gateway's token cache.
    await load(gatewayUrl, WARM_UP_S);
    const results: Result[] = [];
    for (let round = 0; round < ROUNDS; round++) results.push(await load(gatewayUrl, DURATION_S));
    return { results, stored: await postsPerDatabase(urls) };
  } finally {
    // Stop the services before dropping their databases; drop even when a round failed.
    for (const child of children.reverse()) await child.stop();
    await scratch.drop();
  }
}

const average = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const summarize = (results: Result[]): Result => ({
  postsPerSecond: average(results.map((r) => r.postsPerSecond)),
  p50: average(results.map((r) => r.p50)),
  p99: average(results.map((r) => r.p99)),
  non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
  errors: results.reduce((sum, r) => sum + r.errors, 0),
});

const summaries = new Map<number, Result>();
const stored = new Map<number, number[]>();
try {
  for (const shardCount of SHARD_COUNTS) {
    const outcome = await benchShards(shardCount);
    summaries.set(shardCount, summarize(outcome.results));
    stored.set(shardCount, outcome.stored);
  }
} finally {
  await tokens.close();
}

console.log(
  `## Post creation through the gateway (autocannon, ${CONNECTIONS} connections, mean of ${ROUNDS} × ${DURATION_S} s after a ${WARM_UP_S} s warm-up)\n`,
);
console.log('| Shards (physical PostgreSQL databases) | posts/s (201 only) | p50 ms | p99 ms | non-2xx | errors |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const [shardCount, r] of summaries) {
  console.log(
    `| ${shardCount} | ${r.postsPerSecond.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.non2xx} | ${r.errors} |`,
  );
}
const one = summaries.get(1);
const three = summaries.get(3);
if (one !== undefined && three !== undefined) {
  console.log(
    `| **ratio three/one** | ${(three.postsPerSecond / one.postsPerSecond).toFixed(2)} | ${(three.p50 / one.p50).toFixed(2)} | ${(three.p99 / one.p99).toFixed(2)} | | |`,
  );
}
for (const [shardCount, counts] of stored) {
  console.log(`\nPosts stored per database with ${shardCount} shard(s), warm-up included: ${counts.join(' / ')}.`);
}
console.log(
  `\nMachine: ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, ${new Date().toISOString()}.`,
);
console.log(
  'Client, gateway, post service and every database share the same cores, and all the databases live on ONE ' +
    'local PostgreSQL server (same CPU, WAL and disk): the ratio shows the write path spread over more pools on ' +
    'one machine, not the capacity that more servers would add. On a shared machine it varies from run to run.',
);
