// Demo data on first start: the socfb-Reed98 graph (962 users, every friendship a mutual follow, so
// 37,624 follows), posts (every eighth with a generated image), likes and comments — through the
// public API, follows in bulk through the user service when the system's seed client is given
// (ADR 0041) — with a progress bar and the time left. The seed state (the load generator's format) is written into the
// data directory, so a later `npm start` skips seeding and a load run can reuse the seeded users.
import { join } from 'node:path';
import { loadGraph } from '@scalegram/loadgen/graph-spec';
import { type SeedPhase, seedSocialNetwork } from '@scalegram/loadgen/seed';
import { BULK_WEIGHTS, createSeedEta, formatSeconds, PUBLIC_WEIGHTS } from '@scalegram/loadgen/seed-eta';
import type { InternalSeedTarget } from '@scalegram/loadgen/seed-internal-api';
import { readSeedState, SEED_STATE_VERSION, type SeedState, writeSeedState } from '@scalegram/loadgen/seed-state';
import cliProgress from 'cli-progress';

export const DEMO_PASSWORD = 'scalegram-demo';
export const DEMO_USERNAME_PREFIX = 'user_';
export const DEMO_GRAPH = 'reed98';

export interface DemoSeedOptions {
  gatewayUrl: string;
  dataDir: string;
  /** Defaults sized for a laptop: a couple of minutes on two cores. */
  postsPerUser?: number;
  imagesEvery?: number;
  likesPerPost?: number;
  commentsPerPost?: number;
  /** Fewer users than the graph (tests); default: the whole graph. */
  users?: number;
  progress?: boolean;
  /** The system's own seed client: follows in bulk (ADR 0041). Absent: all through the public API. */
  internal?: InternalSeedTarget;
}

export interface DemoSeedOutcome {
  seeded: boolean;
  state: SeedState;
}

export const seedStatePath = (dataDir: string) => join(dataDir, 'seed-state.json');

const PHASE_LABELS: Record<SeedPhase, string> = {
  users: 'registering users',
  follows: 'following     ',
  posts: 'posting       ',
  likes: 'liking        ',
  comments: 'commenting    ',
};

/** Whether a complete seed state is in the data directory. */
export async function isSeeded(dataDir: string): Promise<boolean> {
  return (await readSeedState(seedStatePath(dataDir)))?.complete === true;
}

/** Seeds unless a complete seed state already exists in the data directory. */
export async function seedDemoData(options: DemoSeedOptions): Promise<DemoSeedOutcome> {
  const path = seedStatePath(options.dataDir);
  const existing = await readSeedState(path);
  if (existing?.complete) return { seeded: false, state: existing };

  const graph = await loadGraph(
    options.users === undefined ? { kind: 'reed98' } : { kind: 'reed98', users: options.users },
  );
  const postsPerUser = options.postsPerUser ?? 2;
  const likesPerPost = options.likesPerPost ?? 2;
  const commentsPerPost = options.commentsPerPost ?? 1;
  const posts = graph.nodeCount * postsPerUser;
  // The time left of the whole run, not only of the phase under way (seed-eta.ts).
  const eta = createSeedEta(
    {
      users: graph.nodeCount,
      follows: graph.followCount,
      posts,
      likes: posts * likesPerPost,
      comments: posts * commentsPerPost,
    },
    options.internal === undefined ? PUBLIC_WEIGHTS : BULK_WEIGHTS,
  );
  const left = () => {
    const seconds = eta.secondsLeft();
    return seconds === undefined ? 'estimating' : `about ${formatSeconds(seconds)} left`;
  };
  // A terminal gets live bars; a log (CI, a pipe) gets a line per phase every 10 %.
  const interactive = options.progress !== false && process.stderr.isTTY === true;
  const lastDecile = new Map<SeedPhase, number>();
  const bars = !interactive
    ? undefined
    : new cliProgress.MultiBar(
        {
          format: '  {phase} [{bar}] {value}/{total} | {left}',
          hideCursor: true,
          clearOnComplete: false,
          stopOnComplete: false,
        },
        cliProgress.Presets.shades_classic,
      );
  const barByPhase = new Map<SeedPhase, cliProgress.SingleBar>();
  const state: SeedState = {
    version: SEED_STATE_VERSION,
    target: options.gatewayUrl,
    graph: DEMO_GRAPH,
    usernamePrefix: DEMO_USERNAME_PREFIX,
    complete: false,
    postsPerUser,
    updatedAt: new Date().toISOString(),
    users: existing?.users ?? [],
  };
  try {
    const result = await seedSocialNetwork({
      baseUrl: options.gatewayUrl,
      graph,
      password: DEMO_PASSWORD,
      usernamePrefix: DEMO_USERNAME_PREFIX,
      postsPerUser,
      imagesEvery: options.imagesEvery ?? 8,
      likesPerPost,
      commentsPerPost,
      concurrency: 8,
      known: state.users,
      ...(options.internal === undefined ? {} : { internal: options.internal }),
      onProgress: (phase, done, total) => {
        eta.update(phase, done, total);
        if (bars === undefined) {
          const decile = total === 0 ? 10 : Math.floor((done / total) * 10);
          if (options.progress !== false && decile !== lastDecile.get(phase)) {
            lastDecile.set(phase, decile);
            process.stdout.write(`  ${PHASE_LABELS[phase].trim()}: ${done}/${total} (${left()})\n`);
          }
          return;
        }
        let bar = barByPhase.get(phase);
        if (bar === undefined) {
          bar = bars.create(total, 0, { phase: PHASE_LABELS[phase], left: left() });
          barByPhase.set(phase, bar);
        }
        bar.setTotal(total);
        bar.update(done, { left: left() });
      },
    });
    state.users = result.users;
    state.complete = true;
  } finally {
    bars?.stop();
    state.updatedAt = new Date().toISOString();
    await writeSeedState(path, state);
  }
  return { seeded: true, state };
}
