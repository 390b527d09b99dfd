// Seeding a real system (every service in this process, embedded adapters) through the gateway.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createSocialApi } from '../src/api/social-api.ts';
import { generateBarabasiAlbert } from '../src/graph/synthetic-graph.ts';
import { seedSocialNetwork } from '../src/seed/seed-social-network.ts';
import { startTestSystem, type TestSystem } from './support/system.ts';

const PASSWORD = 'load-test-password';

describe('seedSocialNetwork against the real services', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem();
  }, 60_000);
  afterAll(async () => {
    await system?.close();
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
});
