// End-to-end journeys against the embedded system (every service in this process, zero
// infrastructure), through the gateway over HTTP — and a restart of the whole system that must keep
// every post, follow and image, and the feed's timelines (its key-value snapshot).
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type RunningSystem, startEmbeddedSystem } from '../src/embedded-system.ts';
import type { SystemPlan } from '../src/system-plan.ts';
import { freePorts } from './support/free-ports.ts';
import { eventually, JourneyClient } from './support/journey-client.ts';
import { checkWorld, createWorld, mainJourney, registrationRace } from './support/journeys.ts';
import { checkPublishedContract } from './support/openapi-document-checks.ts';

describe('embedded system', () => {
  let dataDir: string;
  let plan: SystemPlan;
  let system: RunningSystem | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sg-e2e-embedded-'));
    plan = {
      namespace: 'scalegram',
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

  it('publishes an OpenAPI document that tells the truth and passes Redocly and Spectral without a finding', async () => {
    await checkPublishedContract((system as RunningSystem).gatewayUrl);
  }, 120_000);

  it('lets exactly one of two racing registrations have a username', async () => {
    await registrationRace((system as RunningSystem).gatewayUrl);
  }, 60_000);

  it('keeps every post, follow, image, session and timeline across a restart of the whole system', async () => {
    const world = await createWorld((system as RunningSystem).gatewayUrl);
    // The follower reads the feed, so a timeline exists in the feed's key-value store.
    const client = new JourneyClient((system as RunningSystem).gatewayUrl);
    await eventually('the post in the follower’s feed', async () => {
      const feed = await client.call('GET', '/api/v1/feed?limit=50', { token: world.follower.accessToken });
      return feed.body.items?.some((item: { post: { id: string } }) => item.post.id === world.postId) || undefined;
    });
    await (system as RunningSystem).stop();
    system = undefined;
    // A clean stop wrote the feed's keys to the data directory: the timeline with the post, the follow
    // projection, and no lock.
    const snapshotFile = join(dataDir, 'kv', 'feed.jsonl');
    const records = (await readFile(snapshotFile, 'utf8'))
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as { key?: string; value?: unknown });
    const timeline = records.find((r) => r.key === `tl:${world.follower.userId}`);
    expect(JSON.stringify(timeline?.value)).toContain(world.postId);
    expect(records.some((r) => r.key === `fi:${world.follower.userId}`)).toBe(true);
    expect(records.some((r) => r.key?.startsWith('lk:'))).toBe(false);
    system = await startEmbeddedSystem({ plan });
    // Loaded and consumed: a crash from now on starts with an empty store, never this older snapshot.
    await expect(access(snapshotFile)).rejects.toMatchObject({ code: 'ENOENT' });
    await checkWorld(system.gatewayUrl, world);
  }, 180_000);
});
