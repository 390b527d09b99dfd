// An undirected friendship graph read as mutual follows, stored in compressed sparse row form: one offsets
// array and one flat neighbour array. For socfb-Reed98 that is 37,624 int32s instead of 962 arrays or
// Sets, and neighbour lists come back as zero-copy subarrays.

export interface SocialGraph {
  /** Users are 0 … nodeCount − 1. */
  readonly nodeCount: number;
  /** Distinct undirected edges (friendships). */
  readonly edgeCount: number;
  /** Directed follow relations: every friendship is a follow in both directions, so 2 × edgeCount. */
  readonly followCount: number;
  /** Whom `user` follows (equivalently, who follows `user`), sorted ascending. */
  following(user: number): Int32Array;
  degree(user: number): number;
}

/**
 * Builds the graph from undirected edge pairs. Self-loops are ignored and duplicate pairs (in either
 * orientation) are counted once, so the counts are those of the simple graph.
 */
export function buildSocialGraph(nodeCount: number, edges: Iterable<readonly [number, number]>): SocialGraph {
  const unique = new Set<number>();
  const pairs: number[] = [];
  for (const [u, v] of edges) {
    if (u === v) continue;
    if (u < 0 || v < 0 || u >= nodeCount || v >= nodeCount || !Number.isInteger(u) || !Number.isInteger(v)) {
      throw new RangeError(`edge ${u}–${v} is outside 0 … ${nodeCount - 1}`);
    }
    const lo = Math.min(u, v);
    const hi = Math.max(u, v);
    const key = lo * nodeCount + hi;
    if (unique.has(key)) continue;
    unique.add(key);
    pairs.push(lo, hi);
  }

  const degrees = new Int32Array(nodeCount);
  for (const id of pairs) degrees[id] = (degrees[id] as number) + 1;
  const offsets = new Int32Array(nodeCount + 1);
  for (let i = 0; i < nodeCount; i++) offsets[i + 1] = (offsets[i] as number) + (degrees[i] as number);

  const neighbours = new Int32Array(pairs.length);
  const cursor = offsets.slice(0, nodeCount);
  for (let i = 0; i < pairs.length; i += 2) {
    const u = pairs[i] as number;
    const v = pairs[i + 1] as number;
    neighbours[cursor[u] as number] = v;
    cursor[u] = (cursor[u] as number) + 1;
    neighbours[cursor[v] as number] = u;
    cursor[v] = (cursor[v] as number) + 1;
  }
  for (let u = 0; u < nodeCount; u++) neighbours.subarray(offsets[u], offsets[u + 1]).sort();

  return {
    nodeCount,
    edgeCount: pairs.length / 2,
    followCount: pairs.length,
    following: (user) => neighbours.subarray(offsets[user], offsets[user + 1]),
    degree: (user) => (offsets[user + 1] as number) - (offsets[user] as number),
  };
}

/** The subgraph induced by users 0 … n − 1 (their friendships among themselves): a smaller Reed98 for tests and demos. */
export function takeUsers(graph: SocialGraph, n: number): SocialGraph {
  if (!Number.isInteger(n) || n < 1 || n > graph.nodeCount) {
    throw new RangeError(`can take 1 … ${graph.nodeCount} users, not ${n}`);
  }
  const edges: Array<[number, number]> = [];
  for (let u = 0; u < n; u++) {
    for (const v of graph.following(u)) if (v > u && v < n) edges.push([u, v]);
  }
  return buildSocialGraph(n, edges);
}
