// End-to-end journeys against the embedded system (every service in this process, zero
// infrastructure), through the gateway over HTTP — and a restart of the whole system that must keep
// every post, follow and image.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { type RunningSystem, startEmbeddedSystem } from '../src/embedded-system.ts';
import type { SystemPlan } from '../src/system-plan.ts';
import { freePorts } from './support/free-ports.ts';
import { checkWorld, createWorld, mainJourney, registrationRace } from './support/journeys.ts';

describe('embedded system', () => {
  let dataDir: string;
  let plan: SystemPlan;
  let system: RunningSystem | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sg-e2e-embedded-'));
    plan = {
      dataDir,
      host: '127.0.0.1',
      ports: await freePorts(),
      logLevel: 'error',
      // The journeys make more than 50 calls per user a minute.
      rateLimit: false,
      serviceClients: { search: 'e2e-search-client-secret-0123456789abcdef' },
    };
    system = await startEmbeddedSystem({ plan });
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('carries a post from upload to deletion, through feed, likes, comments, notifications and search', async () => {
    await mainJourney((system as RunningSystem).gatewayUrl);
  }, 120_000);

  it('lets exactly one of two racing registrations have a username', async () => {
    await registrationRace((system as RunningSystem).gatewayUrl);
  }, 60_000);

  it('keeps every post, follow, image and session across a restart of the whole system', async () => {
    const world = await createWorld((system as RunningSystem).gatewayUrl);
    await (system as RunningSystem).stop();
    system = undefined;
    system = await startEmbeddedSystem({ plan });
    await checkWorld(system.gatewayUrl, world);
  }, 180_000);
});
