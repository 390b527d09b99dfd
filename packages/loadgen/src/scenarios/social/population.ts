// The seeded population a social scenario draws its users from: the graph and one logged-in account per
// node. Reused from the seed state file when it describes the same target, graph and usernames (and the
// seeding had finished); otherwise seeded (resuming whatever an earlier, interrupted run left). While a
// run lasts, a refresher renews access tokens a few minutes before they expire, so a run longer than the
// token lifetime keeps working; its few refresh calls are not measured.
import { createSocialApi } from '../../api/social-api.ts';
import { type GraphSpec, graphName, loadGraph } from '../../graph/graph-spec.ts';
import type { SocialGraph } from '../../graph/social-graph.ts';
import { type SeededUser, type SeedPhase, seedSocialNetwork } from '../../seed/seed-social-network.ts';
import { readSeedState, stateMatches, writeSeedState } from '../../seed/seed-state.ts';

export interface Population {
  graph: SocialGraph;
  graphName: string;
  /** Indexed by graph node; tokens are renewed in place while the refresher runs. */
  users: SeededUser[];
  /** Stops the token refresher. */
  close(): Promise<void>;
}

export interface PopulationSettings {
  graph: GraphSpec;
  /** Where Reed98 is looked for (default: the copy this package carries, `packages/loadgen/datasets`). */
  datasetsDir?: string;
  /** The seed state file to reuse and to write. */
  statePath: string;
  password: string;
  usernamePrefix: string;
  postsPerUser: number;
  imagesEvery: number;
  likesPerPost: number;
  commentsPerPost: number;
  /** Requests in flight while seeding. */
  concurrency: number;
  seed: number;
  /** Seed even when the state file says it is done (e.g. the target was reset). */
  reseed?: boolean;
  onProgress?: (phase: SeedPhase, done: number, total: number) => void;
  log?: (line: string) => void;
}

/** Renew tokens expiring within this margin, checked this often. */
const REFRESH_MARGIN_MS = 5 * 60_000;
const REFRESH_CHECK_MS = 15_000;

export async function preparePopulation(target: string, settings: PopulationSettings): Promise<Population> {
  const log = settings.log ?? (() => {});
  const graph = await loadGraph(settings.graph, settings.datasetsDir);
  const name = graphName(settings.graph);
  const wanted = { target, graph: name, usernamePrefix: settings.usernamePrefix, users: graph.nodeCount };
  const state = await readSeedState(settings.statePath);
  let users: SeededUser[];
  if (state?.complete && !settings.reseed && stateMatches(state, wanted)) {
    log(`seed: reusing ${state.users.length} users of ${name} from ${settings.statePath}`);
    users = state.users;
  } else {
    log(`seed: ${name} (${graph.nodeCount} users, ${graph.followCount} follows) into ${target}`);
    const known = state && state.usernamePrefix === settings.usernamePrefix ? state.users : [];
    const result = await seedSocialNetwork({
      baseUrl: target,
      graph,
      password: settings.password,
      usernamePrefix: settings.usernamePrefix,
      postsPerUser: settings.postsPerUser,
      imagesEvery: settings.imagesEvery,
      likesPerPost: settings.likesPerPost,
      commentsPerPost: settings.commentsPerPost,
      concurrency: settings.concurrency,
      seed: settings.seed,
      known,
      onProgress: settings.onProgress,
    });
    users = result.users;
    log(
      `seed: ${result.registered} registered, ${result.loggedIn} logged in, ${result.follows} follows, ` +
        `${result.posts} posts (${result.images} with images, ${result.imagesFailed} images failed), ` +
        `${result.likes} likes, ${result.comments} comments in ${(result.durationMs / 1000).toFixed(1)} s`,
    );
  }
  const save = () =>
    writeSeedState(settings.statePath, {
      version: 1,
      target: new URL(target).origin,
      graph: name,
      usernamePrefix: settings.usernamePrefix,
      complete: true,
      postsPerUser: settings.postsPerUser,
      updatedAt: new Date().toISOString(),
      users,
    });

  const refresher = startTokenRefresher(target, users, log);
  await refresher.refreshDue();
  await save();
  return {
    graph,
    graphName: name,
    users,
    close: async () => {
      await refresher.stop();
      await save();
    },
  };
}

interface TokenRefresher {
  refreshDue(): Promise<void>;
  stop(): Promise<void>;
}

/** Renews (refresh token, or a login when that fails) every token that expires within the margin. */
function startTokenRefresher(target: string, users: SeededUser[], log: (line: string) => void): TokenRefresher {
  const api = createSocialApi({ baseUrl: target, connections: 4 });
  let running: Promise<void> = Promise.resolve();
  const refreshDue = () => {
    running = running.then(async () => {
      const due = users.filter((user) => user.accessTokenExpiresAt - Date.now() < REFRESH_MARGIN_MS);
      for (const user of due) {
        try {
          const pair = await api.refresh(user.refreshToken);
          Object.assign(user, {
            accessToken: pair.accessToken,
            refreshToken: pair.refreshToken,
            accessTokenExpiresAt: Date.now() + pair.expiresIn * 1000,
          });
        } catch {
          const session = await api.login(user.username, user.password).catch((error: unknown) => {
            log(`seed: could not renew the token of ${user.username}: ${(error as Error).message}`);
            return undefined;
          });
          if (session) {
            Object.assign(user, {
              accessToken: session.accessToken,
              refreshToken: session.refreshToken,
              accessTokenExpiresAt: Date.now() + session.expiresIn * 1000,
            });
          }
        }
      }
    });
    return running;
  };
  const timer = setInterval(() => void refreshDue(), REFRESH_CHECK_MS);
  timer.unref();
  return {
    refreshDue,
    stop: async () => {
      clearInterval(timer);
      await running;
      await api.close();
    },
  };
}
