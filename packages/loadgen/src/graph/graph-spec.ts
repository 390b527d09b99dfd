// Which social graph a run uses, as one string (a flag or an environment variable):
//   reed98                    socfb-Reed98, carried in packages/loadgen/datasets (962 users)
//   reed98:<n>                its first n users and the friendships among them (smaller runs, tests)
//   ba:<users>[:<m>[:<seed>]] a seeded Barabási–Albert graph (m friendships per new user, default 20; seed 1)
//   <path>                    any edge list (`u v` per line)
import { resolve } from 'node:path';
import { DEFAULT_DATASETS_DIR, loadEdgeList, REED98_EDGES } from './edge-list.ts';
import { type SocialGraph, takeUsers } from './social-graph.ts';
import { generateBarabasiAlbert } from './synthetic-graph.ts';

export type GraphSpec =
  | { kind: 'reed98'; users?: number }
  | { kind: 'barabasi-albert'; users: number; edgesPerUser: number; seed: number }
  | { kind: 'edge-list'; path: string };

export function parseGraphSpec(text: string): GraphSpec {
  if (text === 'reed98') return { kind: 'reed98' };
  if (text.startsWith('reed98:')) {
    const users = Number(text.slice(7));
    if (!Number.isInteger(users) || users < 1) throw new RangeError(`--graph ${text}: expected reed98:<users>`);
    return { kind: 'reed98', users };
  }
  if (text.startsWith('ba:')) {
    const [users, edgesPerUser = 20, seed = 1] = text.slice(3).split(':').map(Number);
    for (const value of [users, edgesPerUser, seed]) {
      if (!Number.isInteger(value)) throw new RangeError(`--graph ${text}: expected ba:<users>[:<m>[:<seed>]]`);
    }
    return { kind: 'barabasi-albert', users: users as number, edgesPerUser, seed };
  }
  if (text === '') throw new RangeError('--graph must not be empty');
  return { kind: 'edge-list', path: text };
}

/** The canonical name stored in the seed state and the report (`ba:1000` → `ba:1000:20:1`). */
export function graphName(spec: GraphSpec): string {
  switch (spec.kind) {
    case 'reed98':
      return spec.users === undefined ? 'reed98' : `reed98:${spec.users}`;
    case 'barabasi-albert':
      return `ba:${spec.users}:${spec.edgesPerUser}:${spec.seed}`;
    case 'edge-list':
      return spec.path;
  }
}

/** `datasetsDir` overrides where Reed98 is looked for (default: the copy this package carries). */
export async function loadGraph(spec: GraphSpec, datasetsDir: string = DEFAULT_DATASETS_DIR): Promise<SocialGraph> {
  switch (spec.kind) {
    case 'reed98': {
      const graph = await loadEdgeList(resolve(datasetsDir, REED98_EDGES), 962);
      return spec.users === undefined ? graph : takeUsers(graph, spec.users);
    }
    case 'barabasi-albert':
      return generateBarabasiAlbert(spec);
    case 'edge-list':
      return loadEdgeList(spec.path);
  }
}
