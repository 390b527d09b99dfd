// The generated fuzz suite (issue 14) against the embedded system: every operation of the OpenAPI
// documents, through the gateway and on each service directly, with generated invalid and hostile
// inputs. No 5xx, every error problem+json, and no refused request writes anything.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type RunningSystem, startEmbeddedSystem } from '../src/embedded-system.ts';
import type { SystemPlan } from '../src/system-plan.ts';
import { freePorts } from './support/free-ports.ts';
import { FUZZ_RUNS, FUZZ_SEED, findingsOf, runFuzzSuite } from './support/fuzz/fuzz-suite.ts';
import { serviceUrls } from './support/fuzz/service-urls.ts';

const SECRET = 'fuzz-search-client-secret-0123456789abcdef';

describe('fuzz suite, embedded system', () => {
  let dataDir: string;
  let system: RunningSystem;
  let plan: SystemPlan;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sg-fuzz-embedded-'));
    plan = {
      namespace: `fuzz-${randomBytes(3).toString('hex')}`,
      dataDir,
      host: '127.0.0.1',
      ports: await freePorts(),
      logLevel: 'fatal',
      // Thousands of requests from two users.
      rateLimit: false,
      serviceClients: { search: SECRET },
    };
    system = await startEmbeddedSystem({ plan });
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it(`answers ${FUZZ_RUNS} generated cases per operation and target (seed ${FUZZ_SEED}) without a 5xx`, async () => {
    const outcome = await runFuzzSuite({
      mode: 'embedded',
      gatewayUrl: system.gatewayUrl,
      services: serviceUrls(plan),
      auth: { url: serviceUrls(plan).auth as string, clientId: 'search', secret: SECRET },
    });
    expect(outcome.operations).toBeGreaterThan(30);
    expect(outcome.cases).toBe(outcome.operations * FUZZ_RUNS);
    expect(findingsOf(outcome)).toEqual([]);
  }, 900_000);
});
