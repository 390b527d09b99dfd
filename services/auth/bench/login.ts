// Login throughput with the chosen argon2id parameters, and the latency of access-token verification.
//
//   pnpm --filter @scalegram/auth-service bench      (about 25 s)
//
// In one run, on this machine: the raw cost of one argon2id hash; logins/second through the real
// login route (embedded PGlite + memory KV, profile read from a local HTTP user service) at
// concurrency 2 and 8, beside the ceiling the hash cost alone allows (cores × 1000 / hash ms); and
// p50/p99 of kit's access-token verifier against a local JWKS.
import { availableParallelism, cpus } from 'node:os';
import { createAccessTokenVerifier } from '@scalegram/kit/access-token';
import { createMemoryStore } from '@scalegram/kv/memory-store';
import { createIdGenerator } from '@scalegram/relational/id-generator';
import { migrate } from '@scalegram/relational/migrate';
import { createPgliteDatabase } from '@scalegram/relational/pglite-database';
import { buildAuthApp } from '../src/app.ts';
import { ARGON2_PARAMETERS, createPasswordHasher } from '../src/domain/password-hasher.ts';
import { loadKeyRing, newKeyRing } from '../src/keys/key-ring.ts';
import { ACCESS_AUDIENCE, createTokenIssuer } from '../src/keys/token-issuer.ts';
import { MIGRATIONS_DIR } from '../src/migrations-dir.ts';
import type { AuthDatabase } from '../src/store/schema.ts';
import { ISSUER, testSettings } from '../test/support/auth-harness.ts';
import { startFakeUserService } from '../test/support/fake-user-service.ts';

const PHASE_MS = 6000;
const PASSWORD = 'correct horse battery staple';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

const passwords = await createPasswordHasher();

// 1. Raw argon2id cost, sequential.
for (let i = 0; i < 5; i++) await passwords.hash(PASSWORD); // warm-up
const hashRuns = 40;
let start = performance.now();
for (let i = 0; i < hashRuns; i++) await passwords.hash(PASSWORD);
const hashMs = (performance.now() - start) / hashRuns;

// 2. The login route.
const database = await createPgliteDatabase<AuthDatabase>({});
await migrate(database, MIGRATIONS_DIR);
const kv = createMemoryStore({ keyPrefix: 'bench:' });
let authUrl = '';
const users = await startFakeUserService({ jwksUrl: () => `${authUrl}/.well-known/jwks.json`, issuer: ISSUER });
const settings = testSettings();
settings.userService = { ...settings.userService, baseUrl: users.url, timeoutMs: 5000 };
const keyRing = await loadKeyRing(await newKeyRing(new Date()), settings.accessTtlSeconds);
const app = buildAuthApp({ database, kv, keyRing, passwords, ids: createIdGenerator(), settings });
authUrl = await app.listen({ port: 0, host: '127.0.0.1' });
const registered = await app.inject({
  method: 'POST',
  url: '/api/v1/auth/register',
  payload: { username: 'bench_user', password: PASSWORD },
});
if (registered.statusCode !== 201) throw new Error(`register failed: ${registered.body}`);

async function loginRate(concurrency: number): Promise<{ perSecond: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  const deadline = performance.now() + PHASE_MS;
  const worker = async () => {
    while (performance.now() < deadline) {
      const t = performance.now();
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'bench_user', password: PASSWORD },
      });
      if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
      latencies.push(performance.now() - t);
    }
  };
  const began = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - began) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSecond: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

await loginRate(2); // warm-up (JIT, PGlite, connection pool)
const c2 = await loginRate(2);
const c8 = await loginRate(8);

// 3. Access-token verification with kit's verifier and a local JWKS.
const issuer = createTokenIssuer({ keyRing, issuer: ISSUER, accessTtlSeconds: 900 });
const { accessToken } = await issuer.signAccessToken({
  userId: '123456789',
  username: 'bench_user',
  sessionId: '00000000-0000-4000-8000-000000000000',
});
const verifier = createAccessTokenVerifier({ jwks: keyRing.publicJwks(), issuer: ISSUER, audience: ACCESS_AUDIENCE });
for (let i = 0; i < 500; i++) await verifier.verify(accessToken);
const verifications: number[] = [];
start = performance.now();
for (let i = 0; i < 10_000; i++) {
  const t = performance.now();
  await verifier.verify(accessToken);
  verifications.push((performance.now() - t) * 1000);
}
const verifySeconds = (performance.now() - start) / 1000;
verifications.sort((a, b) => a - b);

await app.close();
await users.close();
await kv.close();
await database.close();

const cores = availableParallelism();
const ceiling = (cores * 1000) / hashMs;
const fmt = (n: number, digits = 1) => n.toFixed(digits);
const m = ARGON2_PARAMETERS;
console.log(`## auth: login rate and token verification

Machine: ${cores} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, ${new Date().toISOString()}
argon2id m=${m.memoryCost} KiB, t=${m.timeCost}, p=${m.parallelism}; login = route + PGlite + memory KV + profile read over HTTP

| Measure | Value |
|---|---|
| one argon2id hash (sequential mean of ${hashRuns}) | ${fmt(hashMs, 2)} ms |
| hash-only ceiling (${cores} cores × 1000 / hash ms) | ${fmt(ceiling)} /s |
| logins/s, concurrency 2 | ${fmt(c2.perSecond)} /s (p50 ${fmt(c2.p50)} ms, p99 ${fmt(c2.p99)} ms) — ${fmt((100 * c2.perSecond) / ceiling, 0)}% of ceiling |
| logins/s, concurrency 8 | ${fmt(c8.perSecond)} /s (p50 ${fmt(c8.p50)} ms, p99 ${fmt(c8.p99)} ms) — ${fmt((100 * c8.perSecond) / ceiling, 0)}% of ceiling |
| access-token verification (kit verifier, local JWKS, 10 000 sequential) | p50 ${fmt(percentile(verifications, 50))} µs, p99 ${fmt(percentile(verifications, 99))} µs, ${fmt(10_000 / verifySeconds, 0)} /s |
| ratio: one login (c=2 p50) / one verification (p50) | ${fmt((c2.p50 * 1000) / percentile(verifications, 50), 0)} × |`);
