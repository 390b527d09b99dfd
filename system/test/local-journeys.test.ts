// End-to-end journeys against the local-infrastructure mode: every deployable as its own Node process
// under the supervisor, on the real PostgreSQL (databases of this run only, dropped afterwards) and on
// private NATS and Redis servers — with two notification replicas behind the gateway's round-robin.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EMBEDDED_DEPLOYABLES } from '../src/embedded-system.ts';
import { dropLocalDatabases, prepareLocalInfrastructure } from '../src/local-infrastructure.ts';
import { type Supervisor, startLocalSystem } from '../src/local-system.ts';
import type { SystemPlan } from '../src/system-plan.ts';
import { waitForAllReady } from '../src/wait-for-ready.ts';
import { freePorts } from './support/free-ports.ts';
import { mainJourney, registrationRace } from './support/journeys.ts';
import { type PrivateServer, startPrivateNats, startPrivateRedis } from './support/private-servers.ts';

const POSTGRES_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NAMESPACE = `e2e-${randomBytes(3).toString('hex')}`;
const POST_SHARDS = 2;

describe('local-infrastructure system', () => {
  let dataDir: string;
  let nats: PrivateServer | undefined;
  let redis: PrivateServer | undefined;
  let supervisor: Supervisor | undefined;
  const lines: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sg-e2e-local-'));
    [nats, redis] = await Promise.all([startPrivateNats(), startPrivateRedis()]);
    const plan: SystemPlan = {
      namespace: NAMESPACE,
      dataDir,
      host: '127.0.0.1',
      ports: await freePorts(),
      // info: every request is a log line, so the prefixing below has something to check.
      logLevel: 'info',
      rateLimit: false,
      serviceClients: { search: 'e2e-search-client-secret-0123456789abcdef' },
      infrastructure: await prepareLocalInfrastructure({
        postgresUrl: POSTGRES_URL,
        redisUrl: redis.url,
        natsUrl: nats.url,
        namespace: NAMESPACE,
        postShards: POST_SHARDS,
      }),
    };
    supervisor = await startLocalSystem({
      plan,
      deployables: EMBEDDED_DEPLOYABLES,
      replicas: { notification: 2 },
      write: (line) => lines.push(line),
      colour: false,
    });
    // Every process, not only the gateway: they start concurrently.
    await waitForAllReady(supervisor.readinessUrls, 120_000);
  }, 180_000);

  afterAll(async () => {
    await supervisor?.stop();
    await Promise.all([nats?.stop(), redis?.stop()]);
    await dropLocalDatabases(POSTGRES_URL, NAMESPACE, POST_SHARDS);
    await rm(dataDir, { recursive: true, force: true });
  }, 120_000);

  it('runs every deployable as its own process, two notification replicas included', () => {
    const names = (supervisor as Supervisor).instances.map((instance) => instance.name);
    expect(names).toEqual(expect.arrayContaining(['gateway', 'auth', 'post', 'notification#1', 'notification#2']));
  });

  it('carries a post from upload to deletion, through feed, likes, comments, notifications and search', async () => {
    await mainJourney((supervisor as Supervisor).gatewayUrl);
  }, 180_000);

  it('lets exactly one of two racing registrations have a username', async () => {
    await registrationRace((supervisor as Supervisor).gatewayUrl);
  }, 60_000);

  it('prefixes every process’s log lines with its name', () => {
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/^[a-z#0-9-]+\s*\| /);
  });
});
