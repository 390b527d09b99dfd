// Transient failures, heartbeats and competing workers, on real NATS: a store outage is retried with
// back-off and recovers; an outage that outlasts every delivery ends in `processing-exhausted` plus a
// dead letter; heartbeats keep a slow job on its worker; two workers on one queue process each job once.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { FileStore } from '@scalegram/file-store/port';
import { createS3Store } from '@scalegram/file-store/s3-store';
import { makeJpeg } from './support/images.ts';
import { startLocalStore, startS3rverStore, type TestStore } from './support/stores.ts';
import {
  deleteStreams,
  NATS_URL,
  newJob,
  type RunningWorker,
  startMediaSide,
  startWorker,
  uniqueStreams,
} from './support/worker-harness.ts';

const HEARTBEAT_MS = 250;
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function scenario(store: FileStore, settings: Parameters<typeof startWorker>[2] = {}, workers = 1) {
  const streams = uniqueStreams();
  const media = await startMediaSide(streams);
  cleanups.push(
    () => deleteStreams(streams),
    () => media.close(),
  );
  const running: RunningWorker[] = [];
  for (let i = 0; i < workers; i++) {
    const worker = await startWorker(store, streams, settings);
    cleanups.push(() => worker.stop());
    running.push(worker);
  }
  return { streams, media, workers: running };
}

async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('transient failures', () => {
  let s3: TestStore;
  beforeAll(async () => {
    s3 = await startS3rverStore();
    cleanups.push(() => s3.close());
  });

  it('retries with back-off while the store is down, and succeeds once it is back', async () => {
    const { media, workers } = await scenario(s3.store, { backoffMs: [300, 600] });
    const [worker] = workers;
    const bytes = await makeJpeg(600, 400);
    const job = newJob({ declaredContentType: 'image/jpeg', declaredSize: bytes.length });
    await s3.store.put(job.objectKey, bytes, { contentType: 'image/jpeg' });

    await s3.outage?.stop();
    await media.publishJob(job);
    await until(() => (worker?.outcomes.filter((o) => o.outcome === 'retry').length ?? 0) >= 2);
    expect(media.results.has(job.mediaId)).toBe(false);
    await s3.outage?.restart();

    const result = await media.waitForResult(job.mediaId);
    expect(result.type).toBe('media.processed');
    const attempts = worker?.outcomes.filter((o) => o.mediaId === job.mediaId) ?? [];
    expect(attempts.at(-1)).toMatchObject({ outcome: 'processed' });
    expect(attempts.slice(0, 2).map((o) => [o.outcome, o.deliveryCount])).toEqual([
      ['retry', 1],
      ['retry', 2],
    ]);
    // The back-off schedule spaced the deliveries: ~300 ms after the first failure, ~600 ms after the second.
    const [first, second, third] = attempts;
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(250);
    expect((third?.at ?? 0) - (second?.at ?? 0)).toBeGreaterThanOrEqual(500);
  });

  it('gives up after maxDeliver: processing-exhausted is published and the job is dead-lettered', async () => {
    // A store nobody listens on: every attempt fails with UnavailableError.
    const unreachable = createS3Store({
      endpoint: `127.0.0.1:${await closedPort()}`,
      region: 'us-east-1',
      accessKey: 'S3RVER',
      secretKey: 'S3RVER',
      bucket: 'unreachable',
      useSSL: false,
    });
    cleanups.push(() => unreachable.close());
    const { streams, media, workers } = await scenario(unreachable, { maxDeliver: 3, backoffMs: [100] });
    const job = newJob({ declaredContentType: 'image/jpeg', declaredSize: 1000 });
    await media.publishJob(job);

    const result = await media.waitForResult(job.mediaId);
    expect(result).toMatchObject({ type: 'media.processing_failed', data: { reason: 'processing-exhausted' } });
    expect(workers[0]?.outcomes.map((o) => [o.outcome, o.deliveryCount])).toEqual([
      ['retry', 1],
      ['retry', 2],
      ['exhausted', 3],
    ]);
    const connection = await connect({ servers: NATS_URL });
    try {
      const manager = await jetstreamManager(connection);
      const subject = `dlq.${streams.jobsStream}.media-worker`;
      let letter: Awaited<ReturnType<typeof manager.streams.getMessage>> = null;
      const deadline = Date.now() + 5_000;
      while (letter === null && Date.now() < deadline) {
        letter = await manager.streams.getMessage('DLQ', { last_by_subj: subject }).catch(() => null);
        if (letter === null) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(letter?.json<{ subject: string }>().subject).toBe(job.mediaId);
      expect(letter?.header.get('Scalegram-Dlq-Deliveries')).toBe('3');
    } finally {
      await connection.close();
    }
  });
});

describe('heartbeats and competing workers', () => {
  let local: TestStore;
  beforeAll(async () => {
    local = await startLocalStore();
    cleanups.push(() => local.close());
  });

  it('keeps a job that outlasts the ack wait on its worker (working() heartbeats)', async () => {
    // The original takes 2.5 s to arrive; the ack wait is 1 s. Without heartbeats JetStream would hand
    // the job to the second (idle) worker after a second, and it would be processed twice.
    const slow: FileStore = {
      ...local.store,
      get: async (key) => {
        await new Promise((resolve) => setTimeout(resolve, 2_500));
        return local.store.get(key);
      },
    };
    const { media, workers } = await scenario(slow, { ackWaitMs: 1_000, heartbeatMs: HEARTBEAT_MS }, 2);
    const bytes = await makeJpeg(400, 300);
    const job = newJob({ declaredContentType: 'image/jpeg', declaredSize: bytes.length });
    await local.store.put(job.objectKey, bytes, { contentType: 'image/jpeg' });
    await media.publishJob(job);
    expect((await media.waitForResult(job.mediaId)).type).toBe('media.processed');
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const all = workers.flatMap((worker) => worker.outcomes);
    expect(all.map((o) => [o.outcome, o.deliveryCount])).toEqual([['processed', 1]]);
  });

  it('two workers on one queue process each of 16 jobs exactly once, and both take part', async () => {
    const { media, workers } = await scenario(local.store, {}, 2);
    const bytes = await makeJpeg(1600, 1200);
    const jobs = Array.from({ length: 16 }, () =>
      newJob({ declaredContentType: 'image/jpeg', declaredSize: bytes.length }),
    );
    for (const job of jobs) await local.store.put(job.objectKey, bytes, { contentType: 'image/jpeg' });
    for (const job of jobs) await media.publishJob(job);
    for (const job of jobs) expect((await media.waitForResult(job.mediaId, 30_000)).type).toBe('media.processed');
    await new Promise((resolve) => setTimeout(resolve, 300));

    const all = workers.flatMap((worker) => worker.outcomes);
    const perJob = jobs.map((job) => all.filter((o) => o.mediaId === job.mediaId).length);
    expect(perJob).toEqual(jobs.map(() => 1));
    expect(jobs.map((job) => media.results.get(job.mediaId)?.length)).toEqual(jobs.map(() => 1));
    for (const worker of workers) expect(worker.outcomes.length).toBeGreaterThan(0);
  }, 120_000);
});
