// The generated fuzz suite (issue 14) against the local-infrastructure mode: every deployable as its own
// process on the real PostgreSQL (databases of this run only) and private NATS and Redis servers. The
// same cases as the embedded run: no 5xx, every error problem+json, no refused request writes anything.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type PrivateNats, startPrivateNats } from '@scalegram/test-support/private-nats';
import { type PrivateRedis, startPrivateRedis } from '@scalegram/test-support/private-redis';
import { SHARED_POSTGRES_URL } from '@scalegram/test-support/shared-servers';
import { EMBEDDED_DEPLOYABLES } from '../src/embedded-system.ts';
import { dropLocalDatabases, prepareLocalInfrastructure } from '../src/local-infrastructure.ts';
import { type Supervisor, startLocalSystem } from '../src/local-system.ts';
import type { SystemPlan } from '../src/system-plan.ts';
import { waitForAllReady } from '../src/wait-for-ready.ts';
import { freePorts } from './support/free-ports.ts';
import { FUZZ_RUNS, FUZZ_SEED, findingsOf, runFuzzSuite } from './support/fuzz/fuzz-suite.ts';
import { serviceUrls } from './support/fuzz/service-urls.ts';

const NAMESPACE = `fuzz-${randomBytes(3).toString('hex')}`;
const POST_SHARDS = 2;
const SECRET = 'fuzz-search-client-secret-0123456789abcdef';

describe('fuzz suite, local-infrastructure system', () => {
  let dataDir: string;
  let nats: PrivateNats | undefined;
  let redis: PrivateRedis | undefined;
  let supervisor: Supervisor | undefined;
  let plan: SystemPlan;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sg-fuzz-local-'));
    [nats, redis] = await Promise.all([startPrivateNats(), startPrivateRedis()]);
    plan = {
      namespace: NAMESPACE,
      dataDir,
      host: '127.0.0.1',
      ports: await freePorts(),
      logLevel: 'fatal',
      rateLimit: false,
      serviceClients: { search: SECRET },
      infrastructure: await prepareLocalInfrastructure({
        postgresUrl: SHARED_POSTGRES_URL,
        redisUrl: redis.url,
        natsUrl: nats.url,
        namespace: NAMESPACE,
        postShards: POST_SHARDS,
      }),
    };
    supervisor = await startLocalSystem({
      plan,
      deployables: EMBEDDED_DEPLOYABLES,
      replicas: {},
      write: () => {},
      colour: false,
    });
    await waitForAllReady(supervisor.readinessUrls, 120_000);
  }, 180_000);

  afterAll(async () => {
    await supervisor?.stop();
    await Promise.all([nats?.destroy(), redis?.stop()]);
    await dropLocalDatabases(SHARED_POSTGRES_URL, NAMESPACE, POST_SHARDS);
    await rm(dataDir, { recursive: true, force: true });
  }, 120_000);

  it(`answers ${FUZZ_RUNS} generated cases per operation and target (seed ${FUZZ_SEED}) without a 5xx`, async () => {
    const services = serviceUrls(plan);
    const outcome = await runFuzzSuite({
      mode: 'local',
      gatewayUrl: (supervisor as Supervisor).gatewayUrl,
      services,
      auth: { url: services.auth as string, clientId: 'search', secret: SECRET },
    });
    expect(outcome.operations).toBeGreaterThan(30);
    expect(outcome.cases).toBe(outcome.operations * FUZZ_RUNS);
    expect(findingsOf(outcome)).toEqual([]);
  }, 900_000);
});
