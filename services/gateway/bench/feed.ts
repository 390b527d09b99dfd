// Home-feed reads per second through the gateway: GET /api/v1/feed?limit=20, hydrated (feed ids, then
// post, user, likes and media batches), beside two references measured in the same run, alternating
// rounds so that drift on the shared machine hits every path alike:
//   - a bare Fastify endpoint (the ceiling of this machine for one HTTP hop);
//   - the feed service called directly (ids only: what the gateway adds is the hydration).
// Processes: the backend (user, media, post, feed API and fan-out worker, search; real PostgreSQL
// scratch databases dropped at the end, one in-process bus, the feed's timelines in memory), the gateway
// and the bare endpoint each in a child process; autocannon in this one, rotating over every seeded
// user's token. Rate limiting is off, token verification real at every hop.
//
// Seed: 200 users, each following the next 20 (a ring), 2,000 posts (10 per user, every other one with
// an image), 1,000 likes. Timelines fill by fan-out on write; the run starts once they are full.
import { type ChildProcess, fork } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { TestUser } from '../test/support/content-services.ts';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = 32;
const USERS = Number(process.env.BENCH_USERS ?? 200);
const POSTS_PER_USER = 10;
const FOLLOWS_PER_USER = 20;
const LIKES_PER_USER = 5;
const PAGE = 20;
const ROLE = process.argv[2];
const discard = { write: () => undefined };

interface Ready {
  url: string;
  feedUrl?: string;
  jwksUrl?: string;
  upstreams?: Record<string, string>;
  tokens?: string[];
  seeded?: { users: number; posts: number; follows: number; likes: number; seedSeconds: number };
}

async function inBatches<T>(items: readonly T[], size: number, run: (item: T) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(run));
}

async function runBackend(): Promise<Ready> {
  const { startEventServices } = await import('../test/support/event-services.ts');
  const started = Date.now();
  const services = await startEventServices({ notificationReplicas: 0, heartbeatMs: 15_000 });
  // The scratch databases are dropped on the way out.
  process.on('SIGTERM', () => {
    services
      .closeAll()
      .catch((error: unknown) => console.error('backend cleanup failed:', error))
      .finally(() => process.exit(0));
  });
  const users: TestUser[] = [];
  for (let i = 0; i < USERS; i += 1) users.push(await services.user());
  const images = new Map<string, string>();
  await inBatches(users, 10, async (user) => images.set(user.id, await services.readyImage(user)));
  const follows = users.flatMap((user, i) =>
    Array.from({ length: FOLLOWS_PER_USER }, (_, k) => [user, users[(i + 1 + k) % users.length]] as const),
  );
  await inBatches(follows, 25, ([follower, followee]) => services.follow(follower, followee as TestUser));
  const posts: string[] = [];
  const jobs = users.flatMap((user) => Array.from({ length: POSTS_PER_USER }, (_, n) => [user, n] as const));
  await inBatches(jobs, 25, async ([user, n]) => {
    const media = n % 2 === 0 ? [images.get(user.id) as string] : [];
    posts.push(await services.createPost(user, `post ${n} of ${user.username} about the sea and the light`, media));
  });
  const likes = users.flatMap((user, i) =>
    Array.from(
      { length: LIKES_PER_USER },
      (_, k) => [user, posts[(i * 37 + k * 101) % posts.length] as string] as const,
    ),
  );
  await inBatches(likes, 25, ([user, postId]) => services.like(user, postId));
  // Fan-out is asynchronous: wait until every timeline holds a full page.
  for (const user of users) {
    for (;;) {
      const response = await fetch(`${services.feedUrl}/api/v1/feed?limit=${PAGE}`, { headers: user.headers });
      const page = (await response.json()) as { items?: unknown[] };
      if ((page.items?.length ?? 0) >= PAGE) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return {
    url: services.urls.post,
    feedUrl: services.feedUrl,
    jwksUrl: services.jwksUrl,
    upstreams: {
      auth: services.urls.auth,
      user: services.urls.user,
      post: services.urls.post,
      media: services.urls.media,
      feed: services.feedUrl,
    },
    tokens: users.map((user) => user.token),
    seeded: {
      users: users.length,
      posts: posts.length,
      follows: follows.length,
      likes: likes.length,
      seedSeconds: Math.round((Date.now() - started) / 1000),
    },
  };
}

async function runGateway(): Promise<Ready> {
  const { createAccessTokenVerifier } = await import('@scalegram/kit/access-token');
  const { createMemoryStore } = await import('@scalegram/kv/memory-store');
  const { buildGatewayApp } = await import('../src/app.ts');
  const { withVerifiedTokenCache } = await import('../src/verified-token-cache.ts');
  const upstreams = JSON.parse(process.argv[3] as string) as Record<string, string>;
  const app = buildGatewayApp({
    kv: createMemoryStore(),
    verifier: withVerifiedTokenCache(
      createAccessTokenVerifier({ jwks: process.argv[4] as string, issuer: 'scalegram-auth', audience: 'scalegram' }),
      { maxEntries: 10_000, maxAgeMs: 60_000 },
    ),
    upstreams: Object.entries(upstreams).map(([name, url]) => ({ name, baseUrls: [url], timeoutMs: 5000 })),
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

async function runBare(): Promise<Ready> {
  const { default: Fastify } = await import('fastify');
  const app = Fastify();
  app.get('/', async () => ({ hello: 'world' }));
  return { url: await app.listen({ port: 0, host: '127.0.0.1' }) };
}

function start(role: string, ...args: string[]): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = fork(fileURLToPath(import.meta.url), [role, ...args], { execArgv: ['--conditions=@scalegram/source'] });
  return new Promise((resolve, reject) => {
    child.once('message', (ready) => resolve({ child, ready: ready as Ready }));
    child.once('exit', (code) => reject(new Error(`${role} exited with ${code}`)));
  });
}

interface Result {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  /** CPU milliseconds used during the round, per process. */
  cpuMs: Record<string, number>;
}

function cpuOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const onMessage = (message: unknown) => {
      const cpu = (message as { cpu?: NodeJS.CpuUsage }).cpu;
      if (!cpu) return;
      child.off('message', onMessage);
      resolve((cpu.user + cpu.system) / 1000);
    };
    child.on('message', onMessage);
    child.send('cpu');
  });
}

async function cpuSnapshot(children: Record<string, ChildProcess>): Promise<Record<string, number>> {
  const snapshot: Record<string, number> = {};
  for (const [name, child] of Object.entries(children)) snapshot[name] = await cpuOf(child);
  const own = process.cpuUsage();
  snapshot['load generator'] = (own.user + own.system) / 1000;
  return snapshot;
}

async function measure(url: string, tokens: string[] | undefined, duration = DURATION_S): Promise<Result> {
  let next = 0;
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration,
    requests: [
      {
        setupRequest: (request) => {
          if (!tokens) return request;
          next = (next + 1) % tokens.length;
          return { ...request, headers: { ...request.headers, authorization: `Bearer ${tokens[next]}` } };
        },
      },
    ],
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`bad responses at ${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  }
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    cpuMs: {},
  };
}

const average = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

async function main(): Promise<void> {
  const backend = await start('backend');
  const children = [backend.child];
  try {
    const { tokens, upstreams, jwksUrl, feedUrl, seeded } = backend.ready;
    console.log('seeded', seeded);
    const gateway = await start('gateway', JSON.stringify(upstreams), jwksUrl as string);
    const bare = await start('bare');
    children.push(gateway.child, bare.child);
    const paths = [
      { label: 'bare Fastify endpoint (ceiling)', url: bare.ready.url, tokens: undefined, results: [] as Result[] },
      {
        label: 'feed service directly (ids only)',
        url: `${feedUrl}/api/v1/feed?limit=${PAGE}`,
        tokens,
        results: [] as Result[],
      },
      {
        label: `gateway, hydrated home feed (${PAGE} items)`,
        url: `${gateway.ready.url}/api/v1/feed?limit=${PAGE}`,
        tokens,
        results: [] as Result[],
      },
    ];
    // Warm-up: JIT, keep-alive pools, JWKS and token caches.
    for (const path of paths) await measure(path.url, path.tokens, 2);
    const processes = { backend: backend.child, gateway: gateway.child, 'bare endpoint': bare.child };
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const path of paths) {
        const before = await cpuSnapshot(processes);
        const result = await measure(path.url, path.tokens);
        const after = await cpuSnapshot(processes);
        for (const name of Object.keys(after)) result.cpuMs[name] = (after[name] ?? 0) - (before[name] ?? 0);
        path.results.push(result);
      }
    }
    const ceiling = average(paths[0]?.results.map((r) => r.rps) ?? []);
    console.log('\n| path | requests/s | p50 ms | p99 ms | vs bare Fastify |');
    console.log('|---|---:|---:|---:|---:|');
    for (const path of paths) {
      const rps = average(path.results.map((r) => r.rps));
      const p50 = average(path.results.map((r) => r.p50));
      const p99 = average(path.results.map((r) => r.p99));
      console.log(
        `| ${path.label} | ${rps.toFixed(0)} | ${p50.toFixed(1)} | ${p99.toFixed(1)} | ${(rps / ceiling).toFixed(3)} |`,
      );
    }
    console.log('\nCPU time per request (ms), by process:\n');
    console.log('| path | backend | gateway | load generator | total |');
    console.log('|---|---:|---:|---:|---:|');
    for (const path of paths) {
      const requests = path.results.reduce((sum, r) => sum + r.requests, 0);
      const per = (name: string) => path.results.reduce((sum, r) => sum + (r.cpuMs[name] ?? 0), 0) / requests;
      const total = ['backend', 'gateway', 'bare endpoint', 'load generator'].reduce((sum, name) => sum + per(name), 0);
      const service = path.label.startsWith('bare') ? per('bare endpoint') : per('backend');
      console.log(
        `| ${path.label} | ${service.toFixed(3)} | ${per('gateway').toFixed(3)} | ${per('load generator').toFixed(3)} | ${total.toFixed(3)} |`,
      );
    }
    console.log(
      `\n${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, ` +
        `${new Date().toISOString().slice(0, 10)}; ${ROUNDS} rounds of ${DURATION_S} s per path, ` +
        `${CONNECTIONS} connections, autocannon in the parent process; backend, gateway and bare endpoint ` +
        'in child processes.',
    );
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => new Promise((resolve) => child.once('exit', resolve))));
  }
}

if (ROLE === 'backend' || ROLE === 'gateway' || ROLE === 'bare') {
  const ready = ROLE === 'backend' ? await runBackend() : ROLE === 'gateway' ? await runGateway() : await runBare();
  // The parent asks for this process's CPU time before and after each round: where the time goes.
  process.on('message', (message) => {
    if (message === 'cpu') process.send?.({ cpu: process.cpuUsage() });
  });
  process.send?.(ready);
  if (ROLE !== 'backend') process.on('SIGTERM', () => process.exit(0));
} else {
  await main();
}
