// The seed state file: who was seeded on which target, with their credentials and live tokens, so that
// a load run can reuse a seeded system instead of seeding (or logging 962 users in) again. It holds
// passwords and tokens of throw-away load-test accounts; it is written with mode 0600 all the same.
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { SeededUser } from './seed-social-network.ts';

export const SEED_STATE_VERSION = 1;

export interface SeedState {
  version: typeof SEED_STATE_VERSION;
  /** The gateway origin the users live on. */
  target: string;
  /** e.g. `reed98`, `ba:10000:20:1`: which graph the users and follows come from. */
  graph: string;
  usernamePrefix: string;
  /** True once every phase finished; an incomplete state is resumed, not reused. */
  complete: boolean;
  postsPerUser: number;
  updatedAt: string;
  users: SeededUser[];
}

export async function readSeedState(path: string): Promise<SeedState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return undefined;
    throw error;
  }
  const state = JSON.parse(text) as SeedState;
  if (state.version !== SEED_STATE_VERSION || !Array.isArray(state.users)) {
    throw new Error(`${path} is not a version ${SEED_STATE_VERSION} seed state file`);
  }
  return state;
}

/** Written to a temporary file and renamed, so an interrupted write never leaves half a file. */
export async function writeSeedState(path: string, state: SeedState): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(state)}\n`, { mode: 0o600 });
  await rename(temporary, path);
}

/** Whether `state` describes the population a run asks for (same target, graph and usernames). */
export function stateMatches(
  state: SeedState,
  wanted: { target: string; graph: string; usernamePrefix: string; users: number },
): boolean {
  return (
    sameOrigin(state.target, wanted.target) &&
    state.graph === wanted.graph &&
    state.usernamePrefix === wanted.usernamePrefix &&
    state.users.length === wanted.users
  );
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Same scheme, host and port, counting `localhost`, `127.0.0.1` and `[::1]` as one host. */
function sameOrigin(a: string, b: string): boolean {
  const key = (text: string) => {
    const url = new URL(text);
    return `${url.protocol}//${LOOPBACK.has(url.hostname) ? 'loopback' : url.hostname}:${url.port}`;
  };
  return key(a) === key(b);
}
