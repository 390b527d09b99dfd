// What does the service runtime cost? Requests/s and latency of a trivial JSON route on a bare
// Fastify app versus the same route on createApp (request id + trace context, info logging to a
// file, metrics histogram, error handler), measured in the same run, alternating rounds so that
// drift on a shared machine hits both alike. Load comes from autocannon in this process.
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

function kit(): FastifyInstance {
  const app = createApp({
    name: 'bench',
    version: '1',
    logLevel: 'info',
    // Synchronous, like the stdout default in production (see src/logging.ts).
    logDestination: pino.destination({ dest: logFile, sync: true }),
  });
  app.get('/hello/:name', async (request) => ({ hello: (request.params as { name: string }).name }));
  return app as unknown as FastifyInstance;
}

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
// Warm both up (JIT, sockets) before measuring.
await autocannonWarmup();
for (let round = 0; round < ROUNDS; round++) {
  bareResults.push(await measure(bare));
  kitResults.push(await measure(kit));
}
rmSync(logDir, { recursive: true, force: true });

async function autocannonWarmup(): Promise<void> {
  for (const build of [bare, kit]) {
    const app = build();
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    await autocannon({ url: `${url}/hello/world`, connections: 10, duration: 1 });
    await app.close();
  }
}

const b = summarize(bareResults);
const k = summarize(kitResults);
const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1 });
const ratio = (x: number, y: number) => (x / y).toFixed(2);

console.log(`### kit overhead: trivial route, bare Fastify vs createApp\n`);
console.log(
  `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, ${new Date().toISOString()}; ` +
    `autocannon in-process, ${CONNECTIONS} connections, ${ROUNDS} × ${DURATION_S} s per app, medians of rounds\n`,
);
console.log('| | bare Fastify | createApp (kit) | kit / bare |');
console.log('|---|---:|---:|---:|');
console.log(`| requests/s | ${fmt(b.rps)} | ${fmt(k.rps)} | ${ratio(k.rps, b.rps)} |`);
console.log(`| p50 latency (ms) | ${fmt(b.p50)} | ${fmt(k.p50)} | ${ratio(k.p50, b.p50)} |`);
console.log(`| p99 latency (ms) | ${fmt(b.p99)} | ${fmt(k.p99)} | ${ratio(k.p99, b.p99)} |`);
