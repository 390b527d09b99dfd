// User search at 100,000 users, on PostgreSQL and on PGlite, through the whole app (app.inject: token
// verification, validation, the query, serialization), against a same-run ceiling: a profile read served
// from the (in-memory) cache by the same app, which costs everything but the database. Then the same
// searches with the two prefix indexes dropped, to show what they buy.
// Queries: random 1–3 letter prefixes over usernames and display names made of 16 letters (a–p), so a
// one-letter query matches ~1/16 of the users (~6,000 by username and as many by display name).
// Usage: pnpm --filter @scalegram/user-service bench:search   (about 40 s)
import { availableParallelism, cpus } from 'node:os';
import type { App } from '@scalegram/kit/app';
import { createMemoryStore } from '@scalegram/kv/memory-store';
import { createPgliteDatabase } from '@scalegram/relational/pglite-database';
import type { RelationalDatabase } from '@scalegram/relational/port';
import { type ClosedLoopResult, meanResult, measureClosedLoop } from '@scalegram/test-support/closed-loop';
import { startTokenIssuer, type TokenIssuer } from '@scalegram/test-support/token-issuer';
import { sql } from 'kysely';
import { buildUserApp } from '../src/app.ts';
import { migrateUserDatabase } from '../src/store/migrate-user-database.ts';
import type { UserDatabase } from '../src/store/schema.ts';
import { createTestDatabase } from '../test/support/test-database.ts';

const USERS = 100_000;
const DURATION_MS = 2_000;
const ROUNDS = 2;
const CONCURRENCY = 8;
const LOOP = { durationMs: DURATION_MS, concurrency: CONCURRENCY };
const LETTERS = 'abcdefghijklmnop';

/** Deterministic pseudo-random prefixes, the same sequence for every variant. */
function prefix(index: number): string {
  let x = (index + 1) * 2_654_435_761;
  const length = 1 + (index % 3);
  let text = '';
  for (let i = 0; i < length; i++) {
    x = (x ^ (x >>> 13)) * 1_274_126_177;
    text += LETTERS[Math.abs(x) % LETTERS.length];
  }
  return text;
}

async function seed(database: RelationalDatabase<UserDatabase>): Promise<void> {
  // Letters a–p from md5 hex digits; the numeric suffix keeps usernames unique.
  await sql`insert into users (id, username, display_name)
    select g,
           translate(substr(md5(g::text), 1, 6), '0123456789abcdef', ${LETTERS}) || '_' || g,
           initcap(translate(substr(md5((g * 7)::text), 1, 7), '0123456789abcdef', ${LETTERS}))
             || ' ' || initcap(translate(substr(md5((g * 13)::text), 1, 8), '0123456789abcdef', ${LETTERS}))
    from generate_series(1, ${USERS}) g`.execute(database.db);
  await sql`analyze users`.execute(database.db);
}

async function scenario(database: RelationalDatabase<UserDatabase>, tokens: TokenIssuer) {
  await seed(database);
  const kv = createMemoryStore();
  const app: App = buildUserApp({
    database,
    kv,
    userVerifier: tokens.userVerifier,
    serviceVerifier: tokens.serviceVerifier,
    profileCacheTtlMs: 600_000,
    logLevel: 'silent',
  });
  await app.ready();
  const headers = { authorization: `Bearer ${await tokens.userToken('1')}` };
  let matches = 0;
  let searches = 0;
  const search = async (i: number) => {
    const response = await app.inject({ url: `/api/v1/search/users?q=${prefix(i)}&limit=20`, headers });
    if (response.statusCode !== 200) throw new Error(`search failed: ${response.statusCode} ${response.body}`);
    matches += (response.json() as { items: unknown[] }).items.length;
    searches += 1;
  };
  const cachedRead = async (i: number) => {
    const response = await app.inject({ url: `/api/v1/users/${1 + (i % 100)}`, headers });
    if (response.statusCode !== 200) throw new Error(`read failed: ${response.statusCode}`);
  };

  await measureClosedLoop(LOOP, cachedRead); // warm-up: fills the cache for ids 1..100, lets the JIT settle
  await measureClosedLoop(LOOP, search);
  matches = 0;
  searches = 0;
  const ceilings: ClosedLoopResult[] = [];
  const indexed: ClosedLoopResult[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    ceilings.push(await measureClosedLoop(LOOP, cachedRead));
    indexed.push(await measureClosedLoop(LOOP, search));
  }
  const meanResults = matches / searches;
  await sql`drop index users_username_prefix`.execute(database.db);
  await sql`drop index users_display_name_prefix`.execute(database.db);
  const unindexed = await measureClosedLoop(LOOP, search);
  await app.close();
  await kv.close();
  return { ceiling: meanResult(ceilings), indexed: meanResult(indexed), unindexed, meanResults };
}

const tokens = await startTokenIssuer();
const pg = await createTestDatabase({ poolMax: CONCURRENCY });
const pglite = await createPgliteDatabase<UserDatabase>();
await migrateUserDatabase(pglite);
const results: { label: string; result: Awaited<ReturnType<typeof scenario>> }[] = [];
try {
  results.push({ label: 'PostgreSQL', result: await scenario(pg.database, tokens) });
  results.push({ label: 'PGlite', result: await scenario(pglite, tokens) });
} finally {
  await pglite.close();
  await pg.drop();
  await tokens.close();
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => n.toFixed(2);
console.log(`\nUser search over ${fmt(USERS)} users, ${CONCURRENCY} concurrent in-process clients, limit 20,`);
console.log(`random 1–3 letter prefixes; ${ROUNDS} alternating ${DURATION_MS / 1000} s rounds (ceiling vs indexed),`);
console.log('then one round without the prefix indexes. Ratio = ops/s relative to the ceiling of the same run.');
console.log(
  `${cpus()[0]?.model ?? 'cpu'} x${availableParallelism()}, Node ${process.version}, ${new Date().toISOString()}\n`,
);
console.log('| database | operation | ops/s | p50 ms | p99 ms | ratio |');
console.log('|---|---|---:|---:|---:|---:|');
for (const { label, result } of results) {
  const rows = [
    ['ceiling: GET /users/:id from the cache', result.ceiling],
    [`GET /search/users (prefix indexes; ${result.meanResults.toFixed(1)} results per search)`, result.indexed],
    ['GET /search/users, prefix indexes dropped', result.unindexed],
  ] as const;
  for (const [name, r] of rows) {
    const ratio = (r.opsPerSecond / result.ceiling.opsPerSecond).toFixed(2);
    console.log(`| ${label} | ${name} | ${fmt(r.opsPerSecond)} | ${ms(r.p50)} | ${ms(r.p99)} | ${ratio} |`);
  }
}
