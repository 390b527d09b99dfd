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
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createIdGenerator, LOGICAL_SHARDS } from '@scalegram/relational/id-generator';
import { createPostgresDatabase } from '@scalegram/relational/postgres-database';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { sql } from 'kysely';

const SHARD_COUNTS = [1, 3];
const CONNECTIONS = 32;
const WARM_UP_S = 3;
const ROUNDS = 2;
const DURATION_S = 5;
const USERS = 500;
const ISSUER = 'scalegram-auth';
const AUDIENCE = 'scalegram';
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const POST_SERVER = fileURLToPath(new URL('../src/server.ts', import.meta.url));
const GATEWAY_SERVER = fileURLToPath(new URL('../../gateway/src/server.ts', import.meta.url));

interface Result {
  postsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

// The auth service's signing side, stood in for: an Ed25519 key whose JWKS both the gateway and the
// post service fetch, and one token per user signed exactly as auth signs access tokens.
const { privateKey, publicKey } = await generateKeyPair('Ed25519');
const jwk = { ...(await exportJWK(publicKey)), kid: 'bench-key', alg: 'EdDSA', use: 'sig' };
const jwksServer = Fastify();
jwksServer.get('/.well-known/jwks.json', async () => ({ keys: [jwk] }));
const jwksUrl = `${await jwksServer.listen({ port: 0, host: '127.0.0.1' })}/.well-known/jwks.json`;

const userIds = createIdGenerator();
const authorizations = await Promise.all(
  Array.from({ length: USERS }, async () => {
    const id = await userIds.nextString(Math.floor(Math.random() * LOGICAL_SHARDS));
    const token = await new SignJWT({ username: `u${id}`, sid: 'bench' })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'bench-key' })
      .setSubject(id)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('15m')
      .sign(privateKey);
    return `Bearer ${token}`;
  }),
);

const randomPort = () => 20_000 + Math.floor(Math.random() * 20_000);

function startService(file: string, env: Record<string, string>): ChildProcess {
  // Logs at `error` only: the figures are about the request path, not about writing log lines.
  return spawn(process.execPath, ['--conditions=@scalegram/source', file], {
    env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

async function stopService(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function waitReady(baseUrl: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${baseUrl} exited with ${child.exitCode} before it was ready`);
    try {
      const response = await fetch(`${baseUrl}/readyz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${baseUrl} not ready after 30 s`);
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
  const run = randomBytes(5).toString('hex');
  const names = Array.from({ length: shardCount }, (_, index) => `sg_post_bench_${run}_${index}`);
  const admin = createPostgresDatabase<unknown>({ connectionString: ADMIN_URL, poolMax: 1 });
  const children: ChildProcess[] = [];
  try {
    for (const name of names) await sql.raw(`create database ${name}`).execute(admin.db);
    const urls = names.map((name) => {
      const url = new URL(ADMIN_URL);
      url.pathname = `/${name}`;
      return url.toString();
    });
    const postUrl = `http://127.0.0.1:${randomPort()}`;
    const gatewayUrl = `http://127.0.0.1:${randomPort()}`;
    // The post service migrates its shards at boot; pool size stays at its default (10 per shard).
    const post = startService(POST_SERVER, {
      PORT: new URL(postUrl).port,
      POST_DATABASE_URLS: urls.join(','),
      JWKS_URL: jwksUrl,
      AUTH_ISSUER: ISSUER,
      MEDIA_SERVICE_URL: 'http://127.0.0.1:9',
    });
    children.push(post);
    const gateway = startService(GATEWAY_SERVER, {
      PORT: new URL(gatewayUrl).port,
      AUTH_SERVICE_URL: 'http://127.0.0.1:9',
      USER_SERVICE_URL: 'http://127.0.0.1:9',
      POST_SERVICE_URL: postUrl,
      JWKS_URL: jwksUrl,
      AUTH_ISSUER: ISSUER,
      RATE_LIMIT_ENABLED: 'false',
    });
    children.push(gateway);
    await waitReady(postUrl, post);
    await waitReady(gatewayUrl, gateway);
    // Warm-up: JIT in both processes, keep-alive pools, the JWKS caches, the gateway's token cache.
    await load(gatewayUrl, WARM_UP_S);
    const results: Result[] = [];
    for (let round = 0; round < ROUNDS; round++) results.push(await load(gatewayUrl, DURATION_S));
    return { results, stored: await postsPerDatabase(urls) };
  } finally {
    // Stop the services before dropping their databases; drop even when a round failed.
    for (const child of children.reverse()) await stopService(child);
    for (const name of names) await sql.raw(`drop database if exists ${name} with (force)`).execute(admin.db);
    await admin.close();
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
  await jwksServer.close();
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
