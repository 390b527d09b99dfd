// The fan-out worker assembled from its configuration: the key-value store, the bus, the POSTS and
// USERS consumers and the FEED_FANOUT job consumer, and a small app serving /healthz, /readyz and
// /metrics. On close: readiness fails, the consumers stop pulling and finish (and acknowledge) what
// they hold, then the bus and the store close. Returned not listening: worker.ts runs it alone, the
// embedded runner beside the API (sharing the in-process bus and the in-memory store).
import { join } from 'node:path';
import type { App } from '@scalegram/kit/app';
import { openKeyValueStore } from '@scalegram/kv/open-store';
import { openBus } from '@scalegram/queue/open-bus';
import type { Consumer } from '@scalegram/queue/port';
import { Counter } from 'prom-client';
import { type FeedConfig, feedKeyPrefix } from './config.ts';
import { ensureFanOutStream, startFanOutJobConsumer } from './events/fan-out-jobs.ts';
import type { FeedWorkerContext } from './events/feed-context.ts';
import { startPostEventConsumer } from './events/post-event-consumer.ts';
import { startUserEventConsumer } from './events/user-event-consumer.ts';
import type { SharedInfrastructure } from './service.ts';
import { buildFeedWorkerApp } from './worker-app.ts';

export interface FeedWorkerOptions {
  /** Called after each batch of timelines is written (the benchmark measures with it). */
  onBatch?: FeedWorkerContext['onBatch'];
}

export async function startFeedWorker(
  config: FeedConfig,
  shared: SharedInfrastructure = {},
  options: FeedWorkerOptions = {},
): Promise<App> {
  const kv = shared.kv ?? (await openKeyValueStore({ url: config.REDIS_URL, keyPrefix: feedKeyPrefix(config) }));
  const bus =
    shared.bus ??
    (await openBus({
      url: config.NATS_URL,
      streamReplicas: config.NATS_STREAM_REPLICAS,
      namespace: config.NAMESPACE,
      name: 'feed-worker',
      dataDir: config.DATA_DIR === undefined ? undefined : join(config.DATA_DIR, 'feed-worker-bus'),
    }));
  const app = buildFeedWorkerApp({ kv, bus, jobsStream: config.FEED_JOBS_STREAM_NAME, logLevel: config.LOG_LEVEL });
  if (config.NATS_URL === undefined && shared.bus === undefined) {
    app.log.warn('no NATS_URL: in-process bus, so only events published inside this process reach this worker');
  }
  if (config.REDIS_URL === undefined && shared.kv === undefined) {
    app.log.warn('no REDIS_URL: in-memory store, so only a feed API in this process sees these timelines');
  }

  // onClose hooks run in reverse registration order: the consumers drain first, then the bus and the
  // store close underneath them. They are registered before the app boots (Fastify refuses them after).
  const consumers: Consumer[] = [];
  if (shared.kv === undefined) app.addHook('onClose', () => kv.close());
  if (shared.bus === undefined) app.addHook('onClose', () => bus.close());
  app.addHook('onClose', async () => {
    await Promise.all(consumers.map((consumer) => consumer.stop()));
  });

  await app.ready(); // boots the plugins: the metrics registry is needed below
  const writes = new Counter({
    name: 'feed_fanout_timeline_writes_total',
    help: 'Timelines a post was added to or removed from',
    labelNames: ['op'],
    registers: [app.metrics.registry],
  });
  const context: FeedWorkerContext = {
    kv,
    bus,
    limits: { max: config.FEED_TIMELINE_MAX, lockMs: config.FEED_REGENERATION_LOCK_MS },
    celebrityThreshold: config.FEED_CELEBRITY_THRESHOLD,
    recentPerAuthor: config.FEED_RECENT_POSTS_PER_AUTHOR,
    batchSize: config.FEED_FANOUT_BATCH_SIZE,
    jobs: { name: config.FEED_JOBS_STREAM_NAME, subjectPrefix: config.FEED_JOBS_SUBJECT_PREFIX },
    onBatch: (batch) => {
      writes.inc({ op: batch.op }, batch.written);
      options.onBatch?.(batch);
    },
  };
  await ensureFanOutStream(context);
  const concurrency = config.WORKER_CONCURRENCY;
  const durable = (name: string) => `${config.FEED_DURABLE_PREFIX}-${name}`;
  consumers.push(await startFanOutJobConsumer(context, { durable: durable('fanout'), concurrency }));
  consumers.push(
    await startPostEventConsumer(context, {
      stream: { name: config.POSTS_STREAM_NAME, subjectPrefix: config.POSTS_SUBJECT_PREFIX },
      durable: durable('posts'),
      concurrency,
    }),
  );
  consumers.push(
    await startUserEventConsumer(context, {
      stream: { name: config.USERS_STREAM_NAME, subjectPrefix: config.USERS_SUBJECT_PREFIX },
      durable: durable('users'),
      concurrency,
    }),
  );
  return app;
}
