// The media worker assembled from its configuration: the bus and the file store, MEDIA_JOBS provisioned
// and consumed, and a small app serving /healthz, /readyz and /metrics. On close: readiness fails, the
// consumer stops pulling and the job in progress finishes (and is acknowledged), then the bus and the
// store close (docs/service-runtime.md). Returned not listening: server.ts runs it alone, the embedded
// runner beside the other services (sharing one in-process bus).
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from '@scalegram/kit/app';
import { openBus } from '@scalegram/queue/open-bus';
import type { Consumer, MessageBus } from '@scalegram/queue/port';
import { buildMediaWorkerApp } from './app.ts';
import { backoffSchedule, type MediaWorkerConfig } from './config.ts';
import type { MediaStreams } from './events/media-streams.ts';
import { startMediaWorker } from './media-worker.ts';
import { findVideoTools } from './pipeline/video-tools.ts';
import { openWorkerFileStore } from './store/open-file-store.ts';

export interface SharedInfrastructure {
  /** A bus owned by the caller (the embedded runner's single in-process bus); not closed here. */
  bus?: MessageBus;
}

export async function startMediaWorkerService(
  config: MediaWorkerConfig,
  shared: SharedInfrastructure = {},
): Promise<App> {
  const streams: MediaStreams = {
    jobsStream: config.MEDIA_JOBS_STREAM_NAME,
    eventsStream: config.MEDIA_STREAM_NAME,
    subjectPrefix: config.MEDIA_SUBJECT_PREFIX,
  };

  const bus =
    shared.bus ??
    (await openBus({
      url: config.NATS_URL,
      streamReplicas: config.NATS_STREAM_REPLICAS,
      namespace: config.NAMESPACE,
      name: 'media-worker',
      dataDir: config.DATA_DIR === undefined ? undefined : join(config.DATA_DIR, 'media-worker-bus'),
    }));
  const { store, note } = openWorkerFileStore(config);
  const videoTools = await findVideoTools(
    { ffmpeg: config.FFMPEG_PATH, ffprobe: config.FFPROBE_PATH },
    config.VIDEO_TOOL_TIMEOUT_MS,
  );

  const app = buildMediaWorkerApp({ bus, jobsStream: streams.jobsStream, logLevel: config.LOG_LEVEL });
  if (config.NATS_URL === undefined && shared.bus === undefined) {
    app.log.warn('no NATS_URL: in-process bus, so only jobs published inside this process reach this worker');
  }
  app.log.info({ store: note, videoTools: videoTools !== undefined }, 'media worker starting');

  // onClose hooks run in reverse registration order: the consumer drains first, then the bus and the
  // store close underneath it. They are registered before the app boots (Fastify refuses them after).
  let consumer: Consumer | undefined;
  if (shared.bus === undefined) app.addHook('onClose', () => bus.close());
  app.addHook('onClose', () => store.close());
  app.addHook('onClose', async () => {
    await consumer?.stop();
  });

  consumer = await startMediaWorker({
    app,
    bus,
    store,
    streams,
    maxInputPixels: config.MEDIA_MAX_INPUT_PIXELS,
    videoTools,
    tempDirectory: config.TEMP_DIRECTORY ?? tmpdir(),
    concurrency: config.WORKER_CONCURRENCY,
    ackWaitMs: config.JOB_ACK_WAIT_MS,
    maxDeliver: config.JOB_MAX_DELIVER,
    backoffMs: backoffSchedule(config),
  });
  return app;
}
