// Embedded mode (no NATS, no S3): the worker on the in-process bus and the local store, as the
// all-in-one runner wires it beside the media service in one process.
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createEvent, type Event } from '@scalegram/contracts/events';
import { MEDIA_EVENT_SOURCE, MediaEventType } from '@scalegram/contracts/media-events';
import { createInProcessBus } from '@scalegram/queue/in-process-bus';
import type { Consumer, MessageBus } from '@scalegram/queue/port';
import { buildMediaWorkerApp } from '../src/app.ts';
import { eventsStreamOptions, jobSubject, PRODUCTION_MEDIA_STREAMS } from '../src/events/media-streams.ts';
import { startMediaWorker } from '../src/media-worker.ts';
import { makeJpeg } from './support/images.ts';
import { startLocalStore, type TestStore } from './support/stores.ts';
import { newJob } from './support/worker-harness.ts';

const streams = PRODUCTION_MEDIA_STREAMS;
let bus: MessageBus;
let local: TestStore;
let worker: Consumer;
let results: Consumer;
const received: Event<{ mediaId: string }>[] = [];
const app = () => buildMediaWorkerApp({ bus, jobsStream: streams.jobsStream, logLevel: 'silent' });
let workerApp: ReturnType<typeof app>;

beforeAll(async () => {
  bus = await createInProcessBus();
  local = await startLocalStore();
  await bus.ensureStream(eventsStreamOptions(streams));
  workerApp = app();
  worker = await startMediaWorker({
    app: workerApp,
    bus,
    store: local.store,
    streams,
    maxInputPixels: 50_000_000,
    videoTools: undefined,
    tempDirectory: tmpdir(),
    concurrency: 1,
    ackWaitMs: 10_000,
    maxDeliver: 3,
    backoffMs: [100],
  });
  results = await bus.consume<{ mediaId: string }>(
    { stream: streams.eventsStream, durable: 'media-service', ackWaitMs: 5_000, maxDeliver: 3 },
    (delivery) => {
      received.push(delivery.event);
    },
  );
});

afterAll(async () => {
  await results.stop();
  await worker.stop();
  await workerApp.close();
  await bus.close();
  await local.close();
});

describe('embedded mode', () => {
  it('processes a job from the in-process bus and reports on the in-process MEDIA stream', async () => {
    const bytes = await makeJpeg(800, 600);
    const job = newJob({ declaredContentType: 'image/jpeg', declaredSize: bytes.length });
    await local.store.put(job.objectKey, bytes, { contentType: 'image/jpeg' });
    await bus.publish(
      jobSubject(streams),
      createEvent({
        type: MediaEventType.processRequested,
        source: MEDIA_EVENT_SOURCE,
        subject: job.mediaId,
        data: job,
      }),
    );
    const deadline = Date.now() + 10_000;
    while (received.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received.map((event) => [event.type, event.data.mediaId])).toEqual([['media.processed', job.mediaId]]);
    expect((await local.store.head(`variants/${job.mediaId}/large.webp`)).contentType).toBe('image/webp');
    expect((await bus.streamState(streams.jobsStream)).messages).toBe(0);
    const ready = await workerApp.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
  });
});
