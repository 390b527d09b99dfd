// Put and get throughput of the two FileStore adapters, in the same run on the same machine:
// the S3 adapter against s3rver (in-process, over real HTTP on loopback) and the local directory store
// (direct file I/O). s3rver is a stand-in for the S3 protocol, not for MinIO's performance: the
// ratio says what the embedded default costs relative to an S3 round trip here, nothing about MinIO.
//
//   pnpm --filter @scalegram/file-store bench
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { Bench } from 'tinybench';
import type { FileStore } from '../src/port.ts';
import { startLocalServerStore } from '../test/support/local-server.ts';
import { startS3rverStore } from '../test/support/s3rver-server.ts';

const SIZES = [
  { label: '64 KiB', bytes: 64 * 1024 },
  { label: '4 MiB', bytes: 4 * 1024 * 1024 },
];
const KEYS_PER_TASK = 8; // puts rotate over a few keys: the data set stays small and overwrites are exercised

async function drain(store: FileStore, key: string): Promise<number> {
  const object = await store.get(key);
  let bytes = 0;
  for await (const chunk of object.body) bytes += (chunk as Buffer).length;
  return bytes;
}

const s3 = await startS3rverStore();
const local = await startLocalServerStore(16 * 1024 * 1024);
const stores = { s3rver: s3.store, local: local.store } as const;
for (const store of Object.values(stores)) await store.ensureBucket();

const bench = new Bench({ time: 1500, warmupTime: 300, warmupIterations: 3 });
for (const { label, bytes } of SIZES) {
  const body = randomBytes(bytes);
  for (const [name, store] of Object.entries(stores)) {
    let n = 0;
    const getKey = `bench/get-${bytes}`;
    await store.put(getKey, body, { contentType: 'application/octet-stream' });
    bench.add(`${name} put ${label}`, async () => {
      await store.put(`bench/put-${bytes}-${n++ % KEYS_PER_TASK}`, body, { contentType: 'application/octet-stream' });
    });
    bench.add(`${name} get ${label}`, async () => {
      if ((await drain(store, getKey)) !== bytes) throw new Error('short read');
    });
    // The client upload path: presign, then PUT the bytes over HTTP (both sides go through HTTP here).
    bench.add(`${name} presigned-put ${label}`, async () => {
      const upload = await store.presignPut(`bench/upload-${bytes}-${n++ % KEYS_PER_TASK}`, {
        contentType: 'application/octet-stream',
        contentLength: bytes,
        expiresInSeconds: 60,
      });
      const response = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`upload failed: ${response.status}`);
    });
  }
}

const started = Date.now();
await bench.run();
const elapsed = ((Date.now() - started) / 1000).toFixed(1);

function figures(taskName: string, bytes: number) {
  const result = bench.getTask(taskName)?.result;
  if (!result || !('latency' in result) || !result.latency) throw new Error(`no result for ${taskName}`);
  const opsPerSecond = 1000 / result.latency.mean; // from the mean latency: sequential, one request at a time
  return { opsPerSecond, mibPerSecond: (opsPerSecond * bytes) / (1024 * 1024), p99: result.latency.p99 };
}

const cpu = cpus();
console.log(
  `File store benchmark: ${new Date().toISOString()}, Node ${process.version}, ${cpu.length} cores (${cpu[0]?.model.trim()})`,
);
console.log(
  `Sequential, one operation at a time; ${elapsed} s of measurement. put/get: the FileStore API (s3rver over ` +
    'loopback HTTP, local = direct file I/O); presigned-put: a client fetch() PUT to the presigned URL (HTTP on both).\n',
);
console.log('| operation | size | s3rver ops/s | s3rver MiB/s | local ops/s | local MiB/s | local / s3rver |');
console.log('|---|---|---:|---:|---:|---:|---:|');
for (const op of ['put', 'get', 'presigned-put'] as const) {
  for (const { label, bytes } of SIZES) {
    const remote = figures(`s3rver ${op} ${label}`, bytes);
    const embedded = figures(`local ${op} ${label}`, bytes);
    console.log(
      `| ${op} | ${label} | ${remote.opsPerSecond.toFixed(0)} | ${remote.mibPerSecond.toFixed(1)} | ` +
        `${embedded.opsPerSecond.toFixed(0)} | ${embedded.mibPerSecond.toFixed(1)} | ` +
        `${(embedded.opsPerSecond / remote.opsPerSecond).toFixed(2)}x |`,
    );
  }
}

await s3.close();
await local.close();
