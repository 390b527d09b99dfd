// What does the service runtime cost? Requests/s and latency of a trivial JSON route on a bare
// Fastify app (no logger) versus the same route on createApp (request id + trace context, two info
// log lines per request written to a file, metrics histogram, error handler), measured in the same
// run, alternating rounds so that drift on a shared machine hits all alike. Load comes from
// autocannon in this process, so client and server share the event loop and the two cores.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { createApp } from '../src/app.ts';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = 50;

interface Result {
  rps: number;
  p50: number;
  p99: number;
}

const logDir = mkdtempSync(join(tmpdir(), 'kit-bench-'));
const logFile = join(logDir, 'kit.log');

function bare(): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/hello/:name', async (request) => ({ hello: (request.params as { name: string }).name }));
  return app;
}

// `sync: true` is kit's default for stdout (see src/logging.ts); the async variant shows what that
// default costs.
function kit(sync: boolean): () => FastifyInstance {
  return () => {
    const app = createApp({
      name: 'bench',
      version: '1',
      logLevel: 'info',
      logDestination: pino.destination({ dest: logFile, sync }),
    });
    app.get('/hello/:name', async (request) => ({ hello: (request.params as { name: string }).name }));
    return app as unknown as FastifyInstance;
  };
}

const kitSync = kit(true);
const kitAsync = kit(false);

async function measure(build: () => FastifyInstance): Promise<Result> {
  const app = build();
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const result = await autocannon({ url: `${url}/hello/world`, connections: CONNECTIONS, duration: DURATION_S });
    if (result.non2xx > 0 || result.errors > 0)
      throw new Error(`bad responses: ${result.non2xx} non-2xx, ${result.errors} errors`);
    return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
  } finally {
    await app.close();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function summarize(results: Result[]): Result {
  return {
    rps: median(results.map((r) => r.rps)),
    p50: median(results.map((r) => r.p50)),
    p99: median(results.map((r) => r.p99)),
  };
}

const bareResults: Result[] = [];
const kitResults: Result[] = [];
const kitAsyncResults: Result[] = [];
// Warm both up (JIT, sockets) before measuring.
await autocannonWarmup();
for (let round = 0; round < ROUNDS; round++) {
  bareResults.push(await measure(bare));
  kitResults.push(await measure(kitSync));
  kitAsyncResults.push(await measure(kitAsync));
}
rmSync(logDir, { recursive: true, force: true });

async function autocannonWarmup(): Promise<void> {
  for (const build of [bare, kitSync, kitAsync]) {
    const app = build();
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    await autocannon({ url: `${url}/hello/world`, connections: 10, duration: 1 });
    await app.close();
  }
}

const b = summarize(bareResults);
const k = summarize(kitResults);
const a = summarize(kitAsyncResults);
const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1 });
const ratio = (x: number, y: number) => (x / y).toFixed(2);

console.log(`### kit overhead: trivial route, bare Fastify vs createApp\n`);
console.log(
  `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, ${new Date().toISOString()}; ` +
    `autocannon in-process, ${CONNECTIONS} connections, ${ROUNDS} × ${DURATION_S} s per app, medians of rounds\n`,
);
console.log(
  '| | bare Fastify | createApp (default: sync logs) | kit / bare | createApp, async logs | async kit / bare |',
);
console.log('|---|---:|---:|---:|---:|---:|');
for (const [label, key] of [
  ['requests/s', 'rps'],
  ['p50 latency (ms)', 'p50'],
  ['p99 latency (ms)', 'p99'],
] as const) {
  console.log(
    `| ${label} | ${fmt(b[key])} | ${fmt(k[key])} | ${ratio(k[key], b[key])} | ${fmt(a[key])} | ${ratio(a[key], b[key])} |`,
  );
}
