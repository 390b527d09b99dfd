// The search service assembled from its configuration: the vector index (Qdrant per QDRANT_URL, else the
// embedded index), the embedder, the live alias and tombstones (created on first start), the app, and the
// consumer that keeps the index in step with the POSTS stream — every opened resource released by the
// app's onClose hooks in the reverse order. Returned not listening: server.ts runs it alone, the embedded
// runner beside the other services (sharing one in-process bus).
import { join } from 'node:path';
import { createAccessTokenVerifier } from '@scalegram/kit/access-token';
import type { App } from '@scalegram/kit/app';
import { openBus } from '@scalegram/queue/open-bus';
import type { Consumer, MessageBus } from '@scalegram/queue/port';
import { buildSearchApp } from './app.ts';
import { type SearchConfig, searchCollection, USER_AUDIENCE } from './config.ts';
import { startPostIndexConsumer } from './events/post-index-consumer.ts';
import type { SearchContext } from './search-context.ts';
import { indexNames } from './store/index-names.ts';
import { openEmbedder, openVectorIndex } from './store/open-adapters.ts';
import { openPostIndex } from './store/open-post-index.ts';
import { pruneTombstones, TOMBSTONE_RETENTION_MS } from './store/tombstone-sweep.ts';

const TOMBSTONE_SWEEP_INTERVAL_MS = 60 * 60 * 1000;

export interface SharedInfrastructure {
  /** A bus owned by the caller (the embedded runner's single in-process bus); not closed here. */
  bus?: MessageBus;
}

export async function startSearchService(config: SearchConfig, shared: SharedInfrastructure = {}): Promise<App> {
  const index = await openVectorIndex(config);
  const { embedder, close: closeEmbedder } = openEmbedder(config);
  const context: SearchContext = {
    index,
    embedder,
    names: indexNames(searchCollection(config)),
    minScore: config.SEARCH_MIN_SCORE,
  };
  const embeddedBus = config.DATA_DIR === undefined ? undefined : join(config.DATA_DIR, 'search-bus');
  let bus: MessageBus;
  try {
    // A collection filled by another embedder stops the start here (EmbedderMismatchError, ADR 0026).
    await openPostIndex(index, embedder, context.names);
    bus =
      shared.bus ??
      (await openBus({
        url: config.NATS_URL,
        streamReplicas: config.NATS_STREAM_REPLICAS,
        namespace: config.NAMESPACE,
        name: 'search',
        dataDir: embeddedBus,
      }));
  } catch (error) {
    await closeEmbedder();
    await index.close();
    throw error;
  }

  const app = buildSearchApp({
    context,
    userVerifier: createAccessTokenVerifier({
      jwks: config.JWKS_URL,
      issuer: config.AUTH_ISSUER,
      audience: USER_AUDIENCE,
    }),
    logLevel: config.LOG_LEVEL,
  });

  // onClose hooks run in reverse registration order: the consumer stops (finishing its event) first,
  // then the bus, the embedder and the index close. The consumer's hook is registered before it starts:
  // the kit's app takes no hooks once booted, and it must boot first for app.metrics to exist.
  app.addHook('onClose', () => index.close());
  app.addHook('onClose', () => closeEmbedder());
  if (shared.bus === undefined) app.addHook('onClose', () => bus.close());
  let consumer: Consumer | undefined;
  app.addHook('onClose', async () => consumer?.stop());
  const sweep = setInterval(() => {
    pruneTombstones(context, Date.now() - TOMBSTONE_RETENTION_MS).catch((error: unknown) =>
      app.log.warn({ err: error }, 'tombstone sweep failed; the next one retries'),
    );
  }, TOMBSTONE_SWEEP_INTERVAL_MS);
  sweep.unref();
  app.addHook('onClose', async () => clearInterval(sweep));
  await app.ready();
  try {
    consumer = await startPostIndexConsumer({
      context,
      bus,
      stream: { name: config.POSTS_STREAM_NAME, subjectPrefix: config.POSTS_SUBJECT_PREFIX },
      durable: config.SEARCH_DURABLE,
      logger: app.log,
      metrics: app.metrics.registry,
    });
  } catch (error) {
    await app.close();
    throw error;
  }
  return app;
}
