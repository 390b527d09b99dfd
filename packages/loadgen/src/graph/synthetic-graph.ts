// Seeded synthetic social graphs of any size, for load tests larger than the 962-user dataset.
//
// Barabási–Albert preferential attachment: each new user befriends `m` existing users chosen with
// probability proportional to their degree, which yields the power-law degree distribution (a few
// "celebrities", a long tail) that makes fan-out on write expensive for some posts and cheap for most.
// The classic implementation keeps a list in which every user appears once per edge end, so a uniform
// pick from that list IS a degree-proportional pick; O(n·m) time and memory.
import { createRng } from '../rng.ts';
import { buildSocialGraph, type SocialGraph } from './social-graph.ts';

export interface SyntheticGraphOptions {
  users: number;
  /** Friendships each new user makes (the average degree is about 2m). Reed98's average of ~39 is m ≈ 20. */
  edgesPerUser: number;
  seed: number;
}

export function generateBarabasiAlbert({ users, edgesPerUser: m, seed }: SyntheticGraphOptions): SocialGraph {
  if (!Number.isInteger(m) || m < 1) throw new RangeError(`edgesPerUser must be a positive integer, got ${m}`);
  if (!Number.isInteger(users) || users <= m) throw new RangeError(`users must be an integer > edgesPerUser (${m})`);
  const rng = createRng(seed);
  const edges: Array<[number, number]> = [];
  const endpoints: number[] = [];

  // Seed clique of m + 1 users, so every early user already has degree m.
  for (let u = 0; u <= m; u++) {
    for (let v = u + 1; v <= m; v++) {
      edges.push([u, v]);
      endpoints.push(u, v);
    }
  }
  const chosen = new Set<number>();
  for (let u = m + 1; u < users; u++) {
    chosen.clear();
    while (chosen.size < m) chosen.add(endpoints[rng.int(endpoints.length)] as number);
    for (const v of chosen) {
      edges.push([u, v]);
      endpoints.push(u, v);
    }
  }
  return buildSocialGraph(users, edges);
}
