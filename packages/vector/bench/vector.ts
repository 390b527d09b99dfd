// Vector building block benchmark: top-10 search throughput at 1k and 10k points (384 dimensions),
// upsert rate, and hashing-embedder throughput; the embedded index always, Qdrant in the same run when
// QDRANT_URL is set. Run: pnpm --filter @scalegram/vector bench
//
// Vectors are seeded pseudo-random unit vectors, so every run indexes the same data. Searches run one at
// a time (latency-bound: for Qdrant that includes an HTTP round trip per query). The embedded index runs
// memory-only here; its snapshots are written in the background and do not slow upserts down.
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { Bench } from 'tinybench';
import { createEmbeddedIndex } from '../src/embedded-index.ts';
import { createHashingEmbedder } from '../src/hashing-embedder.ts';
import type { VectorIndex } from '../src/port.ts';
import { createQdrantIndex } from '../src/qdrant-index.ts';

const DIM = 384;
const SIZES = [1_000, 10_000];
const BATCH = 256;
const QUERIES = 100;

/** mulberry32: a tiny seeded PRNG, so that both adapters index identical vectors. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomVectors(count: number, seed: number): Float32Array[] {
  const random = prng(seed);
  return Array.from({ length: count }, () => Float32Array.from({ length: DIM }, () => random() * 2 - 1));
}

interface Figures {
  upsertPerSecond: number;
  searchPerSecond: Map<number, number>;
}

async function measure(index: VectorIndex): Promise<Figures> {
  const run = randomBytes(3).toString('hex');
  const queries = randomVectors(QUERIES, 7);
  const searchPerSecond = new Map<number, number>();
  let upsertPerSecond = 0;
  for (const size of SIZES) {
    const collection = `bench_${run}_${size}`;
    await index.ensureCollection(collection, { dimension: DIM, distance: 'cosine' });
    const vectors = randomVectors(size, size);
    const started = performance.now();
    for (let start = 0; start < size; start += BATCH) {
      const points = vectors.slice(start, start + BATCH).map((vector, i) => ({
        id: String(start + i + 1),
        vector,
        payload: { authorId: String((start + i) % 50), createdAt: start + i },
      }));
      await index.upsert(collection, points);
    }
    if (size === SIZES[SIZES.length - 1]) upsertPerSecond = size / ((performance.now() - started) / 1000);
    let next = 0;
    const bench = new Bench({ time: 1_500, warmupIterations: 8, iterations: 20 });
    bench.add(`search ${size}`, async () => {
      await index.search(collection, { vector: queries[next++ % QUERIES]!, limit: 10 });
    });
    await bench.run();
    searchPerSecond.set(size, bench.tasks[0]!.result!.throughput.mean);
    await index.deleteCollection(collection);
  }
  return { upsertPerSecond, searchPerSecond };
}

async function embedderThroughput(): Promise<number> {
  const embedder = createHashingEmbedder({ dimension: DIM });
  const texts = Array.from(
    { length: 100 },
    (_, i) => `Post ${i}: slow-simmered tomato sauce with garlic and basil, then a walk in the garden at dusk #cooking`,
  );
  const bench = new Bench({ time: 1_500 });
  bench.add('embed 100', async () => {
    await embedder.embed(texts);
  });
  await bench.run();
  return bench.tasks[0]!.result!.throughput.mean * texts.length;
}

const format = (value: number) => Math.round(value).toLocaleString('en-US');

const embedded = await createEmbeddedIndex();
const embeddedFigures = await measure(embedded);
await embedded.close();

const qdrantUrl = process.env.QDRANT_URL;
let qdrantFigures: Figures | undefined;
if (qdrantUrl) {
  const qdrant = createQdrantIndex({
    url: qdrantUrl,
    ...(process.env.QDRANT_API_KEY ? { apiKey: process.env.QDRANT_API_KEY } : {}),
  });
  qdrantFigures = await measure(qdrant);
  await qdrant.close();
}
const textsPerSecond = await embedderThroughput();

const row = (label: string, pick: (f: Figures) => number) => {
  const mine = pick(embeddedFigures);
  const theirs = qdrantFigures === undefined ? undefined : pick(qdrantFigures);
  const ratio = theirs === undefined ? '–' : `${(theirs / mine).toFixed(2)}×`;
  return `| ${label} | ${format(mine)} | ${theirs === undefined ? 'not measured' : format(theirs)} | ${ratio} |`;
};

const cpu = cpus();
console.log('## Vector DB benchmark\n');
console.log(
  `Machine: ${cpu.length} cores (${cpu[0]?.model ?? 'unknown CPU'}), Node ${process.version}, ${new Date().toISOString()}\n`,
);
console.log('| Measurement | Embedded index | Qdrant | Qdrant / embedded |');
console.log('|---|---:|---:|---:|');
for (const size of SIZES) {
  console.log(
    row(`top-10 search, ${format(size)} points × ${DIM} dims (queries/s)`, (f) => f.searchPerSecond.get(size)!),
  );
}
console.log(
  row(`upsert, ${format(SIZES[SIZES.length - 1]!)} points in batches of ${BATCH} (points/s)`, (f) => f.upsertPerSecond),
);
console.log(`| hashing embedder, ${DIM} dims (texts/s) | ${format(textsPerSecond)} | n/a | – |`);
console.log('');
console.log(qdrantUrl ? `Qdrant: ${qdrantUrl}` : 'Qdrant: not measured (no server; set QDRANT_URL to include it)');
