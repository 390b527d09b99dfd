import { describe, expect, it } from '@jest/globals';
import { loadEdgeList, resolveDatasetPath } from '../src/graph/edge-list.ts';
import { graphName, loadGraph, parseGraphSpec } from '../src/graph/graph-spec.ts';
import { takeUsers } from '../src/graph/social-graph.ts';
import { generateBarabasiAlbert } from '../src/graph/synthetic-graph.ts';

describe('socfb-Reed98 loader', () => {
  it('reads 962 users, 18,812 friendships and 37,624 directed follows', async () => {
    const graph = await loadEdgeList();
    expect(graph.nodeCount).toBe(962);
    expect(graph.edgeCount).toBe(18_812);
    expect(graph.followCount).toBe(37_624);
    let degreeSum = 0;
    for (let u = 0; u < graph.nodeCount; u++) degreeSum += graph.degree(u);
    expect(degreeSum).toBe(37_624);
  });

  it('stores every friendship in both directions', async () => {
    const graph = await loadEdgeList(resolveDatasetPath('packages/loadgen/datasets/socfb-Reed98/socfb-Reed98.edges'));
    // The file's first line is "1 0".
    expect(Array.from(graph.following(0))).toContain(1);
    expect(Array.from(graph.following(1))).toContain(0);
    for (const v of graph.following(5)) expect(Array.from(graph.following(v))).toContain(5);
  });
});

describe('Barabási–Albert generator', () => {
  it('has the expected number of users and edges', () => {
    const graph = generateBarabasiAlbert({ users: 5_000, edgesPerUser: 5, seed: 7 });
    expect(graph.nodeCount).toBe(5_000);
    // m(m+1)/2 edges in the seed clique, then exactly m new distinct edges per later user.
    expect(graph.edgeCount).toBe(15 + 5 * (5_000 - 6));
    expect(graph.followCount).toBe(2 * graph.edgeCount);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const a = generateBarabasiAlbert({ users: 2_000, edgesPerUser: 3, seed: 42 });
    const b = generateBarabasiAlbert({ users: 2_000, edgesPerUser: 3, seed: 42 });
    const c = generateBarabasiAlbert({ users: 2_000, edgesPerUser: 3, seed: 43 });
    const lists = (g: typeof a) => Array.from({ length: g.nodeCount }, (_, u) => Array.from(g.following(u)).join(','));
    expect(lists(a)).toEqual(lists(b));
    expect(lists(a)).not.toEqual(lists(c));
  });

  it('has a heavy-tailed degree distribution (hubs far above the mean)', () => {
    const graph = generateBarabasiAlbert({ users: 10_000, edgesPerUser: 4, seed: 1 });
    let max = 0;
    for (let u = 0; u < graph.nodeCount; u++) max = Math.max(max, graph.degree(u));
    const mean = graph.followCount / graph.nodeCount;
    expect(max).toBeGreaterThan(10 * mean);
  });
});

describe('a smaller Reed98', () => {
  it('keeps the first n users and exactly the friendships among them', async () => {
    const full = await loadEdgeList();
    const small = await loadGraph(parseGraphSpec('reed98:100'));
    expect(graphName(parseGraphSpec('reed98:100'))).toBe('reed98:100');
    expect(small.nodeCount).toBe(100);
    let expected = 0;
    for (let u = 0; u < 100; u++) for (const v of full.following(u)) if (v < 100) expected++;
    expect(small.followCount).toBe(expected);
    expect(Array.from(small.following(5))).toEqual(Array.from(full.following(5)).filter((v) => v < 100));
    expect(() => takeUsers(full, 963)).toThrow(RangeError);
  });
});
