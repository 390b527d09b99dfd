// Profile reads per second with a warm cache and with every read missing it, and follows per second,
// in one run, on the local PostgreSQL + Redis (production adapters) and on PGlite + the memory store
// (embedded). Two layers are measured:
//   - HTTP: the whole app through app.inject (routing, Ed25519 token verification, validation,
//     serialization) — what a caller sees, minus the network;
//   - data: the profile query alone (cache-aside lookup or Postgres), which isolates what the cache saves.
// Usage: pnpm --filter @scalegram/user-service bench   (about 45 s)
import { availableParallelism, cpus } from 'node:os';
import { createMemoryStore } from '@scalegram/kv/memory-store';
import type { KeyValueStore } from '@scalegram/kv/port';
import { createRedisStore } from '@scalegram/kv/redis-store';
import { createPgliteDatabase } from '@scalegram/relational/pglite-database';
import type { RelationalDatabase } from '@scalegram/relational/port';
import { type ClosedLoopResult, meanResult, measureClosedLoop } from '@scalegram/test-support/closed-loop';
import { startTokenIssuer, type TokenIssuer } from '@scalegram/test-support/token-issuer';
import { buildUserApp } from '../src/app.ts';
import { getProfile } from '../src/queries/profile-queries.ts';
import { migrateUserDatabase } from '../src/store/migrate-user-database.ts';
import { createProfileCache } from '../src/store/profile-cache.ts';
import type { UserDatabase } from '../src/store/schema.ts';
import { createTestDatabase } from '../test/support/test-database.ts';
import { newUserId, REDIS_URL, uniqueName } from '../test/support/user-harness.ts';

const DURATION_MS = 2_000;
const ROUNDS = 2;
const CONCURRENCY = 16;
const LOOP = { durationMs: DURATION_MS, concurrency: CONCURRENCY };
const USERS = 400;
// A 1 ms TTL: by the time a user is read again (USERS reads later) the entry has expired, so every
// read misses, queries the database and refills the cache — the cold path, with its full cost.
const MISS_TTL_MS = 1;

/** Alternating rounds, averaged: on a shared, noisy machine a trend must not favour whichever ran first. */
async function compare(hit: (i: number) => Promise<void>, miss: (i: number) => Promise<void>) {
  await measureClosedLoop(LOOP, hit); // warm-up: fills the cache, lets the JIT settle
  const hits: ClosedLoopResult[] = [];
  const misses: ClosedLoopResult[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    hits.push(await measureClosedLoop(LOOP, hit));
    misses.push(await measureClosedLoop(LOOP, miss));
  }
  return { hit: meanResult(hits), miss: meanResult(misses) };
}

async function scenario(
  database: RelationalDatabase<UserDatabase>,
  openKv: (namespace: string) => Promise<KeyValueStore>,
  tokens: TokenIssuer,
) {
  // The cached and the missing variants must not share cache entries, or the "misses" would hit the
  // entries the cached variant wrote: each gets its own key namespace.
  const [kvHit, kvMiss] = [await openKv('hit:'), await openKv('miss:')];
  const base = { database, userVerifier: tokens.userVerifier, serviceVerifier: tokens.serviceVerifier };
  const cachedApp = buildUserApp({ ...base, kv: kvHit, profileCacheTtlMs: 60_000, logLevel: 'silent' });
  const missingApp = buildUserApp({ ...base, kv: kvMiss, profileCacheTtlMs: MISS_TTL_MS, logLevel: 'silent' });
  const service = { authorization: `Bearer ${await tokens.serviceToken('users:write')}` };
  const users: { id: string; auth: { authorization: string } }[] = [];
  for (let i = 0; i < USERS; i++) {
    const id = await newUserId();
    const created = await cachedApp.inject({
      method: 'PUT',
      url: `/internal/users/${id}`,
      headers: service,
      payload: { username: uniqueName('b') },
    });
    if (created.statusCode !== 201) throw new Error(`setup failed: ${created.body}`);
    users.push({ id, auth: { authorization: `Bearer ${await tokens.userToken(id)}` } });
  }
  const user = (i: number) => users[i % USERS]!;

  const httpRead = (app: typeof cachedApp) => async (i: number) => {
    const response = await app.inject({ url: `/api/v1/users/${user(i).id}`, headers: user(i + 1).auth });
    if (response.statusCode !== 200) throw new Error(`read failed: ${response.statusCode}`);
  };
  const http = await compare(httpRead(cachedApp), httpRead(missingApp));

  const silent = { warn: () => undefined };
  const cachedContext = { database, cache: createProfileCache({ kv: kvHit, ttlMs: 60_000, logger: silent }) };
  const missingContext = { database, cache: createProfileCache({ kv: kvMiss, ttlMs: MISS_TTL_MS, logger: silent }) };
  const data = await compare(
    async (i) => void (await getProfile(cachedContext, user(i).id)),
    async (i) => void (await getProfile(missingContext, user(i).id)),
  );

  // Each call is a new edge: follower i follows the user `1 + floor(i / USERS)` places after it.
  const follows = await measureClosedLoop(LOOP, async (i) => {
    const followee = users[(i + 1 + Math.floor(i / USERS)) % USERS]!;
    const response = await cachedApp.inject({
      method: 'PUT',
      url: `/api/v1/users/${followee.id}/follow`,
      headers: user(i).auth,
    });
    if (response.statusCode !== 204) throw new Error(`follow failed: ${response.statusCode} ${response.body}`);
  });
  await cachedApp.close();
  await missingApp.close();
  // Leave nothing behind in a shared Redis (the entries would expire anyway).
  for (const { id } of users) await kvHit.del(`profile:${id}`);
  await kvHit.close();
  await kvMiss.close();
  return { http, data, follows };
}

const tokens = await startTokenIssuer();
const pg = await createTestDatabase({ poolMax: CONCURRENCY });
const redisPrefix = `bench:user:${Date.now()}:`;
const pglite = await createPgliteDatabase<UserDatabase>();
await migrateUserDatabase(pglite);

const results = [
  {
    label: 'PostgreSQL + Redis',
    ...(await scenario(pg.database, (ns) => createRedisStore({ url: REDIS_URL, keyPrefix: redisPrefix + ns }), tokens)),
  },
  {
    label: 'PGlite + memory store',
    ...(await scenario(pglite, async (ns) => createMemoryStore({ keyPrefix: ns }), tokens)),
  },
];

await pglite.close();
await pg.drop();
await tokens.close();

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => n.toFixed(2);
const seconds = DURATION_MS / 1000;
console.log(
  `\nUser service: ${CONCURRENCY} concurrent in-process clients; reads are the mean of ${ROUNDS} alternating`,
);
console.log(
  `${seconds} s rounds, follows one ${seconds} s round. Ratio = ops/s relative to the cached read of the same layer.`,
);
console.log(
  `${cpus()[0]?.model ?? 'cpu'} x${availableParallelism()}, Node ${process.version}, ${new Date().toISOString()}\n`,
);
console.log('| Adapters | Operation | ops/s | p50 ms | p99 ms | ratio |');
console.log('|---|---|---:|---:|---:|---:|');
for (const { label, http, data, follows } of results) {
  const rows = [
    ['GET /users/:id, cached', http.hit, http.hit],
    ['GET /users/:id, cache miss', http.miss, http.hit],
    ['PUT /users/:id/follow (new edge)', follows, http.hit],
    ['profile lookup (data layer), cached', data.hit, data.hit],
    ['profile lookup (data layer), cache miss', data.miss, data.hit],
  ] as const;
  for (const [name, r, reference] of rows) {
    const ratio = (r.opsPerSecond / reference.opsPerSecond).toFixed(2);
    console.log(`| ${label} | ${name} | ${fmt(r.opsPerSecond)} | ${ms(r.p50)} | ${ms(r.p99)} | ${ratio} |`);
  }
}
