// Seeding a real system (every service in this process, embedded adapters) through the gateway, then
// short runs of the social scenarios against it. Kept small (a dozen users, a few seconds of load).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createSocialApi } from '../src/api/social-api.ts';
import { type BenchmarkConfig, runBenchmark } from '../src/benchmark.ts';
import { constantShape } from '../src/engine/load-shape.ts';
import { generateBarabasiAlbert } from '../src/graph/synthetic-graph.ts';
import { renderMarkdown } from '../src/report/markdown.ts';
import { seedSocialNetwork } from '../src/seed/seed-social-network.ts';
import type { SeedState } from '../src/seed/seed-state.ts';
import { startTestSystem, type TestSystem } from './support/system.ts';

const PASSWORD = 'load-test-password';

describe('seedSocialNetwork against the real services', () => {
  let system: TestSystem;
  let dir: string;
  beforeAll(async () => {
    system = await startTestSystem();
    dir = await mkdtemp(join(tmpdir(), 'loadgen-social-'));
    // Four database services and their migrations on a busy two-core machine: bound a hang, not the pace.
  }, 240_000);
  afterAll(async () => {
    await system?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('registers, follows, posts with images, likes and comments; a second run resumes without duplicates', async () => {
    const graph = generateBarabasiAlbert({ users: 12, edgesPerUser: 2, seed: 3 });
    const phases = new Map<string, [number, number]>();
    const first = await seedSocialNetwork({
      baseUrl: system.gatewayUrl,
      graph,
      password: PASSWORD,
      postsPerUser: 2,
      imagesEvery: 8,
      likesPerPost: 2,
      commentsPerPost: 1,
      concurrency: 4,
      onProgress: (phase, done, total) => phases.set(phase, [done, total]),
    });
    expect(first.users).toHaveLength(12);
    expect(first.registered).toBe(12);
    expect(first.follows).toBe(graph.followCount);
    expect(first.posts).toBe(24);
    expect(first.images).toBe(3);
    expect(first.imagesFailed).toBe(0);
    expect(first.likes).toBe(48);
    expect(first.comments).toBe(24);
    expect(phases.get('follows')).toEqual([graph.followCount, graph.followCount]);
    expect(phases.get('posts')).toEqual([24, 24]);

    // What the API says now: follow counts from the graph, the user's posts with their image.
    const api = createSocialApi({ baseUrl: system.gatewayUrl });
    try {
      const user = first.users[7];
      if (!user) throw new Error('no user 7');
      const session = await api.login(user.username, PASSWORD);
      expect(session.user.followingCount).toBe(graph.degree(7));
      expect(session.user.followerCount).toBe(graph.degree(7));
    } finally {
      await api.close();
    }

    // Fan-out on write put the friends' posts, and user 7's own, into its home timeline (asynchronously:
    // poll a little).
    const reader = first.users[7];
    const friendIds = new Set([reader?.id, ...Array.from(graph.following(7), (v) => first.users[v]?.id)]);
    let page: { items: Array<{ post: { authorId: string } }> } = { items: [] };
    for (let attempt = 0; attempt < 50 && page.items.length < 2 * friendIds.size; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 200));
      const response = await fetch(`${system.gatewayUrl}/api/v1/feed?limit=100`, {
        headers: { authorization: `Bearer ${reader?.accessToken}` },
      });
      expect(response.status).toBe(200);
      page = (await response.json()) as typeof page;
    }
    expect(page.items).toHaveLength(2 * friendIds.size);
    for (const item of page.items) expect(friendIds.has(item.post.authorId)).toBe(true);

    // Again with the same users: everyone logs in, follows are skipped, posts are replays.
    const second = await seedSocialNetwork({
      baseUrl: system.gatewayUrl,
      graph,
      password: PASSWORD,
      postsPerUser: 2,
      concurrency: 4,
    });
    expect(second.registered).toBe(0);
    expect(second.loggedIn).toBe(12);
    expect(second.followsSkippedUsers).toBe(12);
    expect(second.posts).toBe(0);
    expect(second.postsSkipped).toBe(24);
    expect(second.users.map((u) => u.id)).toEqual(first.users.map((u) => u.id));
  }, 90_000);

  const run = (scenario: string, rate: number, seconds: number, extra: Partial<BenchmarkConfig> = {}) =>
    runBenchmark({
      scenario,
      url: system.gatewayUrl,
      mode: 'open',
      shape: constantShape(rate, seconds * 1000),
      arrival: 'constant',
      connections: 4,
      pipelining: 1,
      timeoutMs: 10_000,
      maxBacklog: 1000,
      seed: 1,
      users: 962,
      distribution: { kind: 'zipf', exponent: 1 },
      virtualUsers: 1,
      thinkTimeMs: 0,
      allowedHosts: [],
      warmupMs: 0,
      social: {
        graph: { kind: 'barabasi-albert', users: 30, edgesPerUser: 3, seed: 5 },
        statePath: join(dir, 'seed-state.json'),
        password: PASSWORD,
        usernamePrefix: 'load_',
        postsPerUser: 1,
        imagesEvery: 0,
        likesPerPost: 0,
        commentsPerPost: 0,
        concurrency: 4,
        seed: 1,
      },
      ...extra,
    });

  it('seeds 30 users once, then runs every social scenario on them without an error', async () => {
    const logs: string[] = [];
    const mixed = await run('mixed', 30, 3, { log: (line) => logs.push(line) });
    expect(logs.some((line) => line.startsWith('seed: ba:30:3:5 (30 users'))).toBe(true);
    expect(mixed.settings.users).toBe(30);
    expect(mixed.settings.graph).toBe('ba:30:3:5');
    expect(mixed.result.totals.scheduled).toBe(90);
    expect(mixed.result.errorsByKind).toEqual({});
    expect(mixed.result.totals.ok).toBe(90);
    const kinds = mixed.result.byRequest;
    expect(Object.keys(kinds).sort()).toEqual(['compose-post', 'read-home-timeline', 'read-user-timeline']);
    expect(renderMarkdown(mixed)).toMatch(/\| read-home-timeline \| \d+ \| 0 \|/);

    // The second run reuses the seed state instead of seeding again.
    const state = JSON.parse(await readFile(join(dir, 'seed-state.json'), 'utf8')) as SeedState;
    expect(state).toMatchObject({ complete: true, graph: 'ba:30:3:5', usernamePrefix: 'load_' });
    expect(state.users).toHaveLength(30);
    for (const scenario of [
      'compose-post',
      'read-home-timeline',
      'read-user-timeline',
      'follow-churn',
      'media-upload',
      'login',
    ]) {
      logs.length = 0;
      const report = await run(scenario, 10, 1, { log: (line) => logs.push(line) });
      expect(logs.some((line) => line.startsWith('seed: reusing 30 users'))).toBe(true);
      expect({ scenario, errors: report.result.errorsByKind }).toEqual({ scenario, errors: {} });
      expect(report.result.totals.ok).toBe(10);
    }
  }, 90_000);
});
