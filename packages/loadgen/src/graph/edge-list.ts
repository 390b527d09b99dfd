// Reads a social graph from an edge-list file (`u v` per line, 0-indexed ids), the format of the
// Network Data Repository's socfb-* graphs that DeathStarBench's socialNetwork seeds from.
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSocialGraph, type SocialGraph } from './social-graph.ts';

/** This package's root: this file lives at src/graph/ (or dist/graph/ once built). */
const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The repository root, when the package sits in the workspace (relative dataset paths resolve against it). */
const REPO_ROOT = resolve(PACKAGE_ROOT, '../..');

/** The datasets the package carries (`packages/loadgen/datasets`; `/app/datasets` in the image). */
export const DEFAULT_DATASETS_DIR = resolve(PACKAGE_ROOT, 'datasets');
export const REED98_EDGES = 'socfb-Reed98/socfb-Reed98.edges';

/** Resolves a dataset path: absolute paths as given, relative ones against the repository root. */
export function resolveDatasetPath(path: string = resolve(DEFAULT_DATASETS_DIR, REED98_EDGES)): string {
  return isAbsolute(path) ? path : resolve(REPO_ROOT, path);
}

/**
 * Loads an edge list. The node count is max id + 1 unless `nodeCount` is given (a graph can have
 * isolated users with no edges; the dataset's `.nodes` file states the true count).
 */
export async function loadEdgeList(path?: string, nodeCount?: number): Promise<SocialGraph> {
  const text = await readFile(resolveDatasetPath(path), 'utf8');
  const edges: Array<[number, number]> = [];
  let maxId = -1;
  let lineNumber = 0;
  for (const line of text.split('\n')) {
    lineNumber++;
    const trimmed = line.trim();
    // Comment lines (`%` in Matrix Market-style files, `#` in SNAP files) and blank lines carry no edge.
    if (trimmed === '' || trimmed.startsWith('%') || trimmed.startsWith('#')) continue;
    const [a, b] = trimmed.split(/[\s,]+/);
    const u = Number(a);
    const v = Number(b);
    if (!Number.isInteger(u) || !Number.isInteger(v) || u < 0 || v < 0) {
      throw new SyntaxError(`line ${lineNumber}: expected two non-negative integer ids, got "${trimmed}"`);
    }
    edges.push([u, v]);
    maxId = Math.max(maxId, u, v);
  }
  return buildSocialGraph(nodeCount ?? maxId + 1, edges);
}
