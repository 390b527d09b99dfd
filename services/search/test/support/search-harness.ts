// The search service as it runs in production — startSearchService over a real NATS JetStream (a unique
// POSTS stream, subject prefix and collection alias per run) with the embedded vector index, or Qdrant
// when `qdrantUrl` is given — plus a token issuer, a publisher for post events, and clean-up.
import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { Event } from '@scalegram/contracts/events';
import { namespacedStream } from '@scalegram/contracts/namespace';
import type { SearchResults } from '@scalegram/contracts/search';
import type { App } from '@scalegram/kit/app';
import { createNatsBus } from '@scalegram/queue/nats-bus';
import type { MessageBus } from '@scalegram/queue/port';
import { startTokenIssuer, TEST_ISSUER, type TokenIssuer } from '@scalegram/test-support/token-issuer';
import { createQdrantIndex } from '@scalegram/vector/qdrant-index';
import { loadSearchConfig, type SearchConfig, searchCollection } from '../../src/config.ts';
import { startSearchService } from '../../src/service.ts';
import { indexNames } from '../../src/store/index-names.ts';

export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

export interface SearchHarness {
  app: App;
  config: SearchConfig;
  token: string;
  publish(event: Event): Promise<void>;
  get(url: string): Promise<{
    statusCode: number;
    headers: Record<string, unknown>;
    json(): SearchResults & Record<string, unknown>;
  }>;
  close(): Promise<void>;
}

export async function startSearchHarness(
  options: { qdrantUrl?: string; env?: Record<string, string> } = {},
): Promise<SearchHarness> {
  const run = randomBytes(5).toString('hex');
  const issuer: TokenIssuer = await startTokenIssuer();
  const config = loadSearchConfig({
    JWKS_URL: issuer.jwksUrl,
    AUTH_ISSUER: TEST_ISSUER,
    NATS_URL,
    NAMESPACE: `t${run}`,
    POSTS_STREAM_NAME: `POSTS_SEARCH_${run.toUpperCase()}`,
    POSTS_SUBJECT_PREFIX: `t${run}.`,
    SEARCH_COLLECTION: `search_${run}`,
    LOG_LEVEL: 'silent',
    ...(options.qdrantUrl === undefined ? {} : { QDRANT_URL: options.qdrantUrl }),
    ...options.env,
  });
  const app = await startSearchService(config);
  const publisher: MessageBus = await createNatsBus({
    servers: NATS_URL,
    name: `search-test-${run}`,
    namespace: config.NAMESPACE,
  });
  const token = await issuer.userToken('1001');
  return {
    app,
    config,
    token,
    async publish(event) {
      await publisher.publish(`${config.POSTS_SUBJECT_PREFIX}${event.type}`, event);
    },
    async get(url) {
      return app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    },
    async close() {
      await app.close();
      await publisher.close();
      const nc = await connect({ servers: NATS_URL });
      const jsm = await jetstreamManager(nc);
      for (const name of [config.POSTS_STREAM_NAME, 'DLQ']) {
        await jsm.streams.delete(namespacedStream(config.NAMESPACE, name)).catch(() => false);
      }
      await nc.close();
      await issuer.close();
      if (options.qdrantUrl !== undefined) await dropQdrantIndex(options.qdrantUrl, searchCollection(config));
    },
  };
}

/** Removes a run's aliases and collections from a shared Qdrant. */
export async function dropQdrantIndex(url: string, alias: string): Promise<void> {
  const index = createQdrantIndex({ url });
  const names = indexNames(alias);
  for (const name of [names.live, names.next]) {
    const collection = await index.resolveAlias(name);
    await index.deleteAlias(name);
    if (collection !== undefined) await index.deleteCollection(collection);
  }
  await index.deleteCollection(names.tombstones);
  await index.close();
}
