// The bulk seeding path (ADR 0041) leaves the system in the state the public path leaves it in: one
// embedded system, the same small graph (the first 40 users of socfb-Reed98) seeded twice under two
// username prefixes — once only through the public API, once with follows in bulk — then both
// populations read back through the gateway as any client would: profiles and their counts, follower
// lists, home timelines, notifications and search. Consumers are asynchronous, so the comparison is
// repeated until both sides settle (or the test times out with the last difference).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadGraph } from '@scalegram/loadgen/graph-spec';
import { type SeedResult, seedSocialNetwork } from '@scalegram/loadgen/seed';
import { type RunningSystem, startEmbeddedSystem } from '../src/embedded-system.ts';
import { type SystemPlan, urlOf } from '../src/system-plan.ts';
import { freePorts } from './support/free-ports.ts';
import { JourneyClient, type Json } from './support/journey-client.ts';

const USERS = 40;
const PASSWORD = 'seed-paths-password';
const SEED_SECRET = 'seed-paths-seed-client-secret-0123456789';

describe('seeding through bulk routes', () => {
  let dataDir: string;
  let plan: SystemPlan;
  let system: RunningSystem;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sg-seed-paths-'));
    plan = {
      namespace: 'scalegram',
      dataDir,
      host: '127.0.0.1',
      ports: await freePorts(),
      logLevel: 'error',
      rateLimit: false,
      serviceClients: { seed: SEED_SECRET },
    };
    system = await startEmbeddedSystem({ plan });
    // PGlite's first start (initdb in WebAssembly) takes minutes on a busy two-core machine.
  }, 600_000);

  afterAll(async () => {
    await system?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('produces the same profiles, follows, timelines, notifications and search results as the public API', async () => {
    const graph = await loadGraph({ kind: 'reed98', users: USERS });
    const seed = (usernamePrefix: string, bulk: boolean) =>
      seedSocialNetwork({
        baseUrl: system.gatewayUrl,
        graph,
        password: PASSWORD,
        usernamePrefix,
        postsPerUser: 2,
        imagesEvery: 0,
        likesPerPost: 2,
        commentsPerPost: 1,
        ...(bulk
          ? {
              internal: {
                authUrl: urlOf(plan, 'auth'),
                userUrl: urlOf(plan, 'user'),
                clientId: 'seed',
                clientSecret: SEED_SECRET,
              },
            }
          : {}),
      });
    const publicRun = await seed('pub_', false);
    const bulkRun = await seed('blk_', true);
    expect(bulkRun.follows).toBe(graph.followCount);
    expect(publicRun.posts).toBe(bulkRun.posts);

    const client = new JourneyClient(system.gatewayUrl);
    let last: { pub: unknown; blk: unknown } | undefined;
    const deadline = Date.now() + 90_000;
    for (;;) {
      const pub = await observe(client, publicRun);
      const blk = await observe(client, bulkRun);
      last = { pub, blk };
      if (JSON.stringify(pub) === JSON.stringify(blk) || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    expect(last.blk).toEqual(last.pub);
    // Not vacuous: there were follows, timelines, notifications and search hits to compare.
    const state = last.pub as Observed[];
    expect(state.some((user) => user.followers.length > 0)).toBe(true);
    expect(state.some((user) => user.feed.length > 0)).toBe(true);
    expect(state.some((user) => user.notifications.some((n) => n.startsWith('follow')))).toBe(true);
    expect(state.some((user) => user.search.length > 0)).toBe(true);
  }, 600_000);
});

interface Observed {
  counts: [number, number, number];
  followers: number[];
  feed: string[];
  notifications: string[];
  search: string[];
}

/** Each user of a population as a client sees it, with users named by their graph index. */
async function observe(client: JourneyClient, run: SeedResult): Promise<Observed[]> {
  const indexOf = new Map(run.users.map((user) => [user.id, user.index]));
  const who = (id: string) => indexOf.get(id) ?? -1;
  const out: Observed[] = [];
  for (const user of run.users) {
    const token = user.accessToken;
    const get = async (path: string): Promise<Json> => {
      const reply = await client.call('GET', path, { token });
      expect(reply.status).toBe(200);
      return reply.body;
    };
    const profile = await get(`/api/v1/users/${user.id}`);
    const followers = await get(`/api/v1/users/${user.id}/followers?limit=100`);
    const feed = await get('/api/v1/feed?limit=100');
    const notifications = await get('/api/v1/notifications?limit=100');
    const search = await get(
      `/api/v1/search/posts?q=${encodeURIComponent('coffee today')}&authorId=${user.id}&limit=10`,
    );
    out.push({
      counts: [profile.followerCount, profile.followingCount, profile.postCount],
      followers: followers.items.map((f: Json) => who(f.id)).sort((a: number, b: number) => a - b),
      // Posting runs eight at a time, so the order of posts made at the same moment may differ: compared as sets.
      feed: feed.items.map((item: Json) => `${who(item.post.authorId)}:${item.post.text}`).sort(),
      // Who collapsed into a notification first depends on event order; what and how many does not.
      notifications: notifications.items
        .map((n: Json) => `${n.type}:${n.actorCount}:${n.postId === null ? '' : 'post'}`)
        .sort(),
      search: search.items.map((item: Json) => `${who(item.post.authorId)}:${item.post.text}`).sort(),
    });
  }
  return out;
}
