// The whole system in one process with zero infrastructure: every service and worker built by its own
// start function from its own config schema, each on its own port and talking to the others over real
// HTTP, all sharing one in-process bus (journaled under the data directory, so events survive a
// restart like JetStream's file storage). Stores: PGlite, the in-memory KV, the local file store and
// the embedded vector index, each under the data directory (docs/adr/0026-embedded-runner.md).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadAuthConfig } from '@scalegram/auth-service/config';
import { startAuthService } from '@scalegram/auth-service/service';
import { loadFeedConfig } from '@scalegram/feed-service/config';
import { isProcessBoundKey } from '@scalegram/feed-service/keys';
import { startFeedService } from '@scalegram/feed-service/service';
import { startFeedWorker } from '@scalegram/feed-service/worker';
import { loadGatewayConfig } from '@scalegram/gateway-service/config';
import { startGatewayService } from '@scalegram/gateway-service/service';
import type { App } from '@scalegram/kit/app';
import { openMemoryStore } from '@scalegram/kv/memory-store';
import type { KeyValueStore } from '@scalegram/kv/port';
import { loadMediaConfig } from '@scalegram/media-service/config';
import { startMediaService } from '@scalegram/media-service/service';
import { loadMediaWorkerConfig } from '@scalegram/media-worker-service/config';
import { startMediaWorkerService } from '@scalegram/media-worker-service/service';
import { loadNotificationConfig } from '@scalegram/notification-service/config';
import { startNotificationService } from '@scalegram/notification-service/service';
import { loadPostConfig } from '@scalegram/post-service/config';
import { startPostService } from '@scalegram/post-service/service';
import { createInProcessBus } from '@scalegram/queue/in-process-bus';
import type { MessageBus } from '@scalegram/queue/port';
import { createPgliteEngine, type PgliteEngine } from '@scalegram/relational/pglite-engine';
import { loadSearchConfig } from '@scalegram/search-service/config';
import { startSearchService } from '@scalegram/search-service/service';
import { loadUserConfig } from '@scalegram/user-service/config';
import { startUserService } from '@scalegram/user-service/service';
import { type Deployable, environmentAmong, type SystemPlan } from './system-plan.ts';

/** What every service in this process shares: one bus (like one NATS) and one PGlite engine (like one PostgreSQL server, a schema per service). */
interface Shared {
  bus: MessageBus;
  pglite: PgliteEngine;
  /** The feed's store, shared by its API and its fan-out worker (as both share Redis in a cluster). */
  feedKv: KeyValueStore;
}

type Starter = (env: Record<string, string>, shared: Shared) => Promise<App>;

/** How each deployable starts in this process: its own config loader, then its own start function. */
const STARTERS: Partial<Record<Deployable, Starter>> = {
  auth: (env, { pglite }) => startAuthService(loadAuthConfig(env), { pglite }),
  user: (env, shared) => startUserService(loadUserConfig(env), shared),
  post: (env, shared) => startPostService(loadPostConfig(env), shared),
  media: (env, shared) => startMediaService(loadMediaConfig(env), shared),
  'media-worker': (env, { bus }) => startMediaWorkerService(loadMediaWorkerConfig(env), { bus }),
  feed: (env, { bus, feedKv }) => startFeedService(loadFeedConfig(env), { bus, kv: feedKv }),
  'feed-worker': (env, { bus, feedKv }) => startFeedWorker(loadFeedConfig(env), { bus, kv: feedKv }),
  search: (env, { bus }) => startSearchService(loadSearchConfig(env), { bus }),
  notification: (env, { bus, pglite }) => startNotificationService(loadNotificationConfig(env), { bus, pglite }),
  gateway: (env) => startGatewayService(loadGatewayConfig(env)),
};

/** The deployables this build can run, in start order (the gateway last, so it opens the door). */
export const EMBEDDED_DEPLOYABLES = (Object.keys(STARTERS) as Deployable[]).sort(
  (a, b) => Number(a === 'gateway') - Number(b === 'gateway'),
);

export interface RunningSystem {
  gatewayUrl: string;
  /** The apps by deployable, listening. */
  apps: ReadonlyMap<Deployable, App>;
  /** Gateway first (no new requests), then the services in reverse start order, then the bus. */
  stop(): Promise<void>;
  /** Replaces the gateway with one built from `plan` (e.g. the rate limit back on after seeding). */
  restartGateway(plan: SystemPlan): Promise<void>;
}

export interface EmbeddedOptions {
  plan: SystemPlan;
  /** Called as each deployable starts listening. */
  onStarted?: (deployable: Deployable, url: string) => void;
}

export async function startEmbeddedSystem(options: EmbeddedOptions): Promise<RunningSystem> {
  const { plan } = options;
  if (plan.infrastructure !== undefined) throw new RangeError('the embedded system runs without infrastructure');
  await mkdir(plan.dataDir, { recursive: true });
  const bus = await createInProcessBus({ dataDir: join(plan.dataDir, 'bus') });
  const pglite = await createPgliteEngine({ dataDir: join(plan.dataDir, 'pglite') });
  // In memory, snapshotted to the data directory at a clean stop and loaded at start: timelines and the
  // follow projection survive a restart instead of being regenerated on first read (locks do not; an
  // unclean stop leaves no snapshot, and everything is regenerated as before).
  const feedKv = await openMemoryStore({
    keyPrefix: 'feed:',
    snapshot: { file: join(plan.dataDir, 'kv', 'feed.jsonl'), skip: isProcessBoundKey },
    onSnapshotDiscarded: (error) =>
      process.stderr.write(`the feed's key-value snapshot was unreadable and is discarded: ${error.message}\n`),
  });
  const apps = new Map<Deployable, App>();

  const stop = async () => {
    for (const deployable of [...apps.keys()].reverse()) {
      const app = apps.get(deployable) as App;
      app.health.beginShutdown();
      await app.close();
    }
    apps.clear();
    await bus.close();
    await pglite.close();
    await feedKv.close();
  };

  try {
    for (const deployable of EMBEDDED_DEPLOYABLES) {
      const start = STARTERS[deployable] as Starter;
      const app = await start(environmentAmong(deployable, plan, EMBEDDED_DEPLOYABLES), { bus, pglite, feedKv });
      apps.set(deployable, app);
      await app.listen({ port: plan.ports[deployable], host: plan.host });
      options.onStarted?.(deployable, `http://${displayHost(plan.host)}:${plan.ports[deployable]}`);
    }
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  const restartGateway = async (next: SystemPlan) => {
    const current = apps.get('gateway');
    if (current !== undefined) {
      current.health.beginShutdown();
      await current.close();
      apps.delete('gateway');
    }
    const app = await (STARTERS.gateway as Starter)(environmentAmong('gateway', next, EMBEDDED_DEPLOYABLES), {
      bus,
      pglite,
      feedKv,
    });
    apps.set('gateway', app);
    await app.listen({ port: next.ports.gateway, host: next.host });
  };
  return { gatewayUrl: `http://${displayHost(plan.host)}:${plan.ports.gateway}`, apps, stop, restartGateway };
}

/** A wildcard bind address is reached through localhost. */
export function displayHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? 'localhost' : host;
}
