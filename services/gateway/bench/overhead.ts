// What does the gateway cost? Requests/s and latency of an authenticated trivial route called directly
// on its service versus through the gateway, in one run, alternating rounds so that drift on the shared
// machine hits all paths alike. Rate limiting is off (as for load tests); token verification is real on
// both hops: the gateway verifies, forwards, and the service verifies again. The gateway runs twice: as
// deployed (verified-token cache on, src/verified-token-cache.ts) and with the cache off, so the table
// shows what full Ed25519 verification of every request costs at the edge.
//
// Processes: the upstream (serving the route and the JWKS) and the gateway each run in a child process
// (as they would in a cluster); autocannon runs in this one. Both apps log at `info` into a discarding
// stream, so log lines are built but not written.
import { type ChildProcess, fork } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = 50;
const ROLE = process.argv[2];
const discard = { write: () => undefined };

interface Ready {
  url: string;
  token?: string;
}

async function runUpstream(): Promise<Ready> {
  const { createAccessTokenVerifier } = await import('@scalegram/kit/access-token');
  const { createApp } = await import('@scalegram/kit/app');
  const { authenticationPlugin, requireUserId } = await import('@scalegram/kit/authentication');
  const { exportJWK, generateKeyPair, SignJWT } = await import('jose');
  const { privateKey, publicKey } = await generateKeyPair('Ed25519');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'EdDSA', use: 'sig' };
  const app = createApp({ name: 'user', version: '1', logDestination: discard });
  const port = Number(process.argv[3]);
  const verifier = createAccessTokenVerifier({
    jwks: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    issuer: 'scalegram-auth',
    audience: 'scalegram',
  });
  app.register(authenticationPlugin, { verifier });
  app.register(async (routes) => {
    routes.get('/.well-known/jwks.json', async () => ({ keys: [jwk] }));
    routes.get('/api/v1/users/me', { preHandler: routes.authenticate }, async (request) => ({
      id: requireUserId(request),
    }));
  });
  const url = await app.listen({ port, host: '127.0.0.1' });
  const token = await new SignJWT({ username: 'bench' })
    .setProtectedHeader({ alg: 'EdDSA', kid: 'bench' })
    .setSubject('1001')
    .setIssuer('scalegram-auth')
    .setAudience('scalegram')
    .setIssuedAt()
    .setExpirationTime('15m')
    .sign(privateKey);
  return { url, token };
}

async function runGateway(): Promise<Ready> {
  const { createAccessTokenVerifier } = await import('@scalegram/kit/access-token');
  const { createMemoryStore } = await import('@scalegram/kv/memory-store');
  const { buildGatewayApp } = await import('../src/app.ts');
  const { withVerifiedTokenCache } = await import('../src/verified-token-cache.ts');
  const upstream = process.argv[3] as string;
  const cacheEntries = Number(process.argv[4]);
  const app = buildGatewayApp({
    kv: createMemoryStore(),
    verifier: withVerifiedTokenCache(
      createAccessTokenVerifier({
        jwks: `${upstream}/.well-known/jwks.json`,
        issuer: 'scalegram-auth',
        audience: 'scalegram',
      }),
      { maxEntries: cacheEntries, maxAgeMs: 60_000 },
    ),
    upstreams: [
      { name: 'auth', baseUrls: [upstream], timeoutMs: 5000 },
      { name: 'user', baseUrls: [upstream], timeoutMs: 5000 },
    ],
    rateLimit: { enabled: false, limit: 50, windowMs: 60_000, failOpen: true },
    breaker: { breakerFailures: 5, breakerHalfOpenAfterMs: 10_000 },
    trustProxy: false,
    corsOrigins: [],
    bodyLimit: 1024 * 1024,
    openApiRefreshMs: 600_000,
    logDestination: discard,
  });
  return { url: await app.listen({ port: 0, host: '127.0.0.1' }) };
}

function start(role: string, ...args: string[]): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = fork(fileURLToPath(import.meta.url), [role, ...args], {
    execArgv: ['--conditions=@scalegram/source', ...(process.env.BENCH_CPU_PROF === role ? ['--cpu-prof'] : [])],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (ready) => resolve({ child, ready: ready as Ready }));
    child.once('exit', (code) => reject(new Error(`${role} exited with ${code}`)));
  });
}

interface Result {
  rps: number;
  p50: number;
  p99: number;
}

async function measure(url: string, token: string): Promise<Result> {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION_S,
    headers: { authorization: `Bearer ${token}` },
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`bad responses: ${result.non2xx} non-2xx, ${result.errors} errors`);
  }
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

const average = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

async function main(): Promise<void> {
  const upstreamPort = 20_000 + Math.floor(Math.random() * 20_000);
  const upstream = await start('upstream', String(upstreamPort));
  const cached = await start('gateway', upstream.ready.url, '10000');
  const uncached = await start('gateway', upstream.ready.url, '0');
  const token = upstream.ready.token as string;
  const paths = [
    { label: 'direct to the service', url: `${upstream.ready.url}/api/v1/users/me`, results: [] as Result[] },
    {
      label: 'through the gateway (token cache on, default)',
      url: `${cached.ready.url}/api/v1/users/me`,
      results: [] as Result[],
    },
    {
      label: 'through the gateway (token cache off)',
      url: `${uncached.ready.url}/api/v1/users/me`,
      results: [] as Result[],
    },
  ];
  try {
    // Warm-up: JIT, keep-alive pools, the gateways' and the service's JWKS caches.
    for (const path of paths.slice(1)) {
      await autocannon({ url: path.url, connections: 10, duration: 2, headers: { authorization: `Bearer ${token}` } });
    }
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const path of paths) path.results.push(await measure(path.url, token));
    }
    const direct = average(paths[0]?.results.map((r) => r.rps) ?? []);
    console.log('\n| path | requests/s | p50 ms | p99 ms | vs direct |');
    console.log('|---|---:|---:|---:|---:|');
    for (const path of paths) {
      const rps = average(path.results.map((r) => r.rps));
      const p50 = average(path.results.map((r) => r.p50));
      const p99 = average(path.results.map((r) => r.p99));
      console.log(
        `| ${path.label} | ${rps.toFixed(0)} | ${p50.toFixed(1)} | ${p99.toFixed(1)} | ${(rps / direct).toFixed(2)}× |`,
      );
    }
    console.log(
      `\n${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, ` +
        `${new Date().toISOString().slice(0, 10)}; ${ROUNDS} rounds of ${DURATION_S} s per path, ` +
        `${CONNECTIONS} connections, autocannon in the parent process, service and gateways in child processes.`,
    );
  } finally {
    for (const child of [cached.child, uncached.child, upstream.child]) child.kill('SIGTERM');
  }
}

if (ROLE === 'upstream' || ROLE === 'gateway') {
  const ready = ROLE === 'upstream' ? await runUpstream() : await runGateway();
  process.send?.(ready);
  // The --cpu-prof profile is written on a normal exit, so leave on SIGTERM instead of being killed.
  process.on('SIGTERM', () => process.exit(0));
} else {
  await main();
}
