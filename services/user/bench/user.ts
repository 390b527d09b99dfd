// Profile reads per second with a warm cache and with every read missing it, and follows per second,
// measured in one run on the local PostgreSQL + Redis (production adapters) and on PGlite + the memory
// store (embedded). Requests go through the whole app (routing, token verification, validation,
// serialization) with app.inject, so no network is measured. Usage: pnpm --filter @scalegram/user-service bench
import { availableParallelism, cpus } from 'node:os';
import { createMemoryStore } from '@scalegram/kv/memory-store';
import type { KeyValueStore } from '@scalegram/kv/port';
import { createRedisStore } from '@scalegram/kv/redis-store';
import { createPgliteDatabase } from '@scalegram/relational/pglite-database';
import type { RelationalDatabase } from '@scalegram/relational/port';
import { buildUserApp } from '../src/app.ts';
import { migrateUserDatabase } from '../src/store/migrate-user-database.ts';
import type { UserDatabase } from '../src/store/schema.ts';
import { createTestDatabase } from '../test/support/test-database.ts';
import { startTokenIssuer, type TokenIssuer } from '../test/support/token-issuer.ts';
import { newUserId, REDIS_URL, uniqueName } from '../test/support/user-harness.ts';

const DURATION_MS = 3_000;
const CONCURRENCY = 16;
const USERS = 400;

interface Result {
  opsPerSecond: number;
  p50: number;
  p99: number;
}

/** Runs `operation` from CONCURRENCY workers for DURATION_MS; each call gets a distinct index. */
async function measure(operation: (index: number) => Promise<void>): Promise<Result> {
  const latencies: number[] = [];
  let next = 0;
  const end = performance.now() + DURATION_MS;
  const started = performance.now();
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

async function scenario(
  label: string,
  database: RelationalDatabase<UserDatabase>,
  kv: KeyValueStore,
  tokens: TokenIssuer,
) {
  const deps = {
    database,
    kv,
    userVerifier: tokens.userVerifier,
    serviceVerifier: tokens.serviceVerifier,
    logLevel: 'silent' as const,
  };
  const cached = buildUserApp({ ...deps, profileCacheTtlMs: 60_000 });
  // A 1 ms TTL: every read misses, goes to Postgres and refills the cache — the cold path.
  const uncached = buildUserApp({ ...deps, profileCacheTtlMs: 1 });
  const service = { authorization: `Bearer ${await tokens.serviceToken()}` };
  const users: { id: string; auth: { authorization: string } }[] = [];
  for (let i = 0; i < USERS; i++) {
    const id = await newUserId();
    const created = await cached.inject({
      method: 'PUT',
      url: `/internal/users/${id}`,
      headers: service,
      payload: { username: uniqueName('b') },
    });
    if (created.statusCode !== 201) throw new Error(`setup failed: ${created.body}`);
    users.push({ id, auth: { authorization: `Bearer ${await tokens.userToken(id)}` } });
  }
  const read = (app: typeof cached) => async (i: number) => {
    const response = await app.inject({
      url: `/api/v1/users/${users[i % USERS]!.id}`,
      headers: users[(i + 1) % USERS]!.auth,
    });
    if (response.statusCode !== 200) throw new Error(`read failed: ${response.statusCode}`);
  };
  await measure(read(cached)); // warm-up: fills the cache, JIT
  const warm = await measure(read(cached));
  const cold = await measure(read(uncached));
  // Each call is a new edge: follower i % USERS follows the user `1 + floor(i / USERS)` places after it.
  const follows = await measure(async (i) => {
    const follower = users[i % USERS]!;
    const followee = users[(i + 1 + Math.floor(i / USERS)) % USERS]!;
    const response = await cached.inject({
      method: 'PUT',
      url: `/api/v1/users/${followee.id}/follow`,
      headers: follower.auth,
    });
    if (response.statusCode !== 204) throw new Error(`follow failed: ${response.statusCode} ${response.body}`);
  });
  await cached.close();
  await uncached.close();
  return { label, warm, cold, follows };
}

const tokens = await startTokenIssuer();
const pg = await createTestDatabase({ poolMax: CONCURRENCY });
const redis = await createRedisStore({ url: REDIS_URL, keyPrefix: `bench:user:${Date.now()}:` });
const pglite = await createPgliteDatabase<UserDatabase>();
await migrateUserDatabase(pglite);
const memory = createMemoryStore({ keyPrefix: 'user:' });

const results = [
  await scenario('PostgreSQL + Redis', pg.database, redis, tokens),
  await scenario('PGlite + memory store', pglite, memory, tokens),
];

// Leave nothing behind in the shared Redis: the cached profiles expire, but delete them now.
for (const { id } of await pg.database.db.selectFrom('users').select('id').execute()) await redis.del(`profile:${id}`);
await redis.close();
await memory.close();
await pglite.close();
await pg.drop();
await tokens.close();

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => n.toFixed(2);
console.log(
  `\nUser service, ${CONCURRENCY} concurrent in-process clients (app.inject), ${DURATION_MS / 1000} s per figure`,
);
console.log(
  `${cpus()[0]?.model ?? 'cpu'} x${availableParallelism()}, Node ${process.version}, ${new Date().toISOString()}\n`,
);
console.log('| Adapters | Operation | ops/s | p50 ms | p99 ms | vs cached read |');
console.log('|---|---|---:|---:|---:|---:|');
for (const { label, warm, cold, follows } of results) {
  for (const [name, r] of [
    ['profile read, cached', warm],
    ['profile read, cache miss', cold],
    ['follow (new edge)', follows],
  ] as const) {
    console.log(
      `| ${label} | ${name} | ${fmt(r.opsPerSecond)} | ${ms(r.p50)} | ${ms(r.p99)} | ${(r.opsPerSecond / warm.opsPerSecond).toFixed(2)} |`,
    );
  }
}
