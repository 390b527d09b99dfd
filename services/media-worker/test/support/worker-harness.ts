// A media worker against the real NATS server (unique stream names and subject prefix per harness) and
// a given file store, plus what a test needs around it: publish jobs as the media service would, collect
// the results from the MEDIA stream, count each worker's outcomes, and clean everything up.
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createEvent, type Event } from '@scalegram/contracts/events';
import { MEDIA_EVENT_SOURCE, MediaEventType, type MediaProcessRequestedData } from '@scalegram/contracts/media-events';
import { namespacedStream } from '@scalegram/contracts/namespace';
import type { FileStore } from '@scalegram/file-store/port';
import type { App } from '@scalegram/kit/app';
import { createNatsBus } from '@scalegram/queue/nats-bus';
import type { Consumer, MessageBus } from '@scalegram/queue/port';
import { buildMediaWorkerApp } from '../../src/app.ts';
import type { JobOutcome } from '../../src/events/media-job-consumer.ts';
import { eventsStreamOptions, jobSubject, type MediaStreams } from '../../src/events/media-streams.ts';
import { startMediaWorker } from '../../src/media-worker.ts';
import { findVideoTools } from '../../src/pipeline/video-tools.ts';

export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

export function uniqueStreams(): MediaStreams {
  const run = randomBytes(4).toString('hex');
  return { jobsStream: `MJ_${run.toUpperCase()}`, eventsStream: `ME_${run.toUpperCase()}`, subjectPrefix: `t${run}.` };
}

export interface WorkerSettings {
  ackWaitMs?: number;
  maxDeliver?: number;
  backoffMs?: number[];
  heartbeatMs?: number;
  maxInputPixels?: number;
}

export interface RunningWorker {
  app: App;
  bus: MessageBus;
  consumer: Consumer;
  /** Every attempt's outcome, stamped with performance.now() when it ended. */
  outcomes: (JobOutcome & { at: number })[];
  stop(): Promise<void>;
}

export async function startWorker(
  store: FileStore,
  streams: MediaStreams,
  settings: WorkerSettings = {},
  natsUrl = NATS_URL,
  /** The namespace of the media service this worker serves, when that one runs as its own process. */
  namespace?: string,
) {
  const bus = await createNatsBus({
    servers: [natsUrl],
    name: 'media-worker-test',
    ...(namespace === undefined ? {} : { namespace }),
  });
  const app = buildMediaWorkerApp({ bus, jobsStream: streams.jobsStream, logLevel: 'silent' });
  const outcomes: (JobOutcome & { at: number })[] = [];
  const consumer = await startMediaWorker({
    app,
    bus,
    store,
    streams,
    maxInputPixels: settings.maxInputPixels ?? 50_000_000,
    videoTools: await findVideoTools(),
    tempDirectory: tmpdir(),
    concurrency: 1,
    ackWaitMs: settings.ackWaitMs ?? 10_000,
    maxDeliver: settings.maxDeliver ?? 5,
    backoffMs: settings.backoffMs ?? [200, 400],
    ...(settings.heartbeatMs === undefined ? {} : { heartbeatMs: settings.heartbeatMs }),
    onOutcome: (outcome) => outcomes.push({ ...outcome, at: performance.now() }),
  });
  return {
    app,
    bus,
    consumer,
    outcomes,
    async stop() {
      await consumer.stop();
      await app.close();
      await bus.close();
    },
  } satisfies RunningWorker;
}

/** Plays the media service: provisions MEDIA, publishes jobs, and reads the worker's results. */
export async function startMediaSide(streams: MediaStreams, namespace?: string) {
  const bus = await createNatsBus({
    servers: [NATS_URL],
    name: 'media-side-test',
    ...(namespace === undefined ? {} : { namespace }),
  });
  await bus.ensureStream(eventsStreamOptions(streams));
  const results = new Map<string, Event<Record<string, unknown>>[]>();
  const consumer = await bus.consume<Record<string, unknown>>(
    { stream: streams.eventsStream, durable: 'test-media', ackWaitMs: 5_000, maxDeliver: 3 },
    (delivery) => {
      const mediaId = delivery.event.subject;
      results.set(mediaId, [...(results.get(mediaId) ?? []), delivery.event]);
    },
  );

  return {
    bus,
    results,
    async publishJob(job: MediaProcessRequestedData): Promise<void> {
      const event = createEvent({
        type: MediaEventType.processRequested,
        source: MEDIA_EVENT_SOURCE,
        subject: job.mediaId,
        data: job,
      });
      await bus.publish(jobSubject(streams), event);
    },
    /** Resolves with the first result for `mediaId`, or rejects after `timeoutMs`. */
    async waitForResult(mediaId: string, timeoutMs = 15_000): Promise<Event<Record<string, unknown>>> {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const first = results.get(mediaId)?.[0];
        if (first) return first;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`no result for ${mediaId} within ${timeoutMs} ms`);
    },
    async close() {
      await consumer.stop();
      await bus.close();
    },
  };
}

/**
 * Deletes the run's streams and purges its dead letters from the shared DLQ stream; in a namespace of
 * its own (a worker process), the namespace's DLQ stream goes too.
 */
export async function deleteStreams(streams: MediaStreams, namespace?: string): Promise<void> {
  const connection = await connect({ servers: NATS_URL });
  try {
    const manager = await jetstreamManager(connection);
    const wire = (name: string) => (namespace === undefined ? name : namespacedStream(namespace, name));
    for (const name of [streams.jobsStream, streams.eventsStream]) {
      await manager.streams.delete(wire(name)).catch(() => false);
    }
    if (namespace !== undefined) await manager.streams.delete(wire('DLQ')).catch(() => false);
    await manager.streams.purge('DLQ', { filter: `dlq.${streams.jobsStream}.>` }).catch(() => undefined);
  } finally {
    await connection.close();
  }
}

let counter = 0;
/** A fresh media id (decimal string, like the id generator's) and matching job fields. */
export function newJob(
  fields: Partial<MediaProcessRequestedData> & Pick<MediaProcessRequestedData, 'declaredContentType' | 'declaredSize'>,
): MediaProcessRequestedData {
  const mediaId = `${Date.now()}${String(counter++).padStart(4, '0')}`;
  return { mediaId, ownerId: '42', objectKey: `originals/42/${mediaId}`, kind: 'image', ...fields };
}
