// The social-network scenarios, comparable with DeathStarBench socialNetwork's (compose-post,
// read-home-timeline, read-user-timeline, mixed 60/30/10) plus follow-churn, media-upload and login. All
// run as the seeded users (population.ts): the engine draws a graph node (uniform or Zipf), the scenario
// sends that user's request with that user's token.
import { API, bearer, JSON_HEADERS } from '../../api/api-paths.ts';
import type { Rng } from '../../rng.ts';
import type { OperationClient, OperationOutcome, OperationSpec, Scenario, ScenarioContext } from '../../scenario.ts';
import { generateSeedImage, type SeedImage } from '../../seed/seed-images.ts';
import type { Population } from './population.ts';
import {
  composePostRequest,
  followRequest,
  homeTimelineRequest,
  loginRequest,
  pickMixed,
  userTimelineRequest,
} from './social-requests.ts';

/** Loads (or seeds) the population once the run's target is known. */
export type PopulationSource = (context: ScenarioContext) => Promise<Population>;

const seededUser = (population: Population, user: number) => {
  const seeded = population.users[user];
  if (!seeded) throw new RangeError(`user ${user} is outside the seeded population of ${population.users.length}`);
  return seeded;
};

/** The common part: setup loads the population, teardown stops its token refresher. */
function socialScenario<S extends { population: Population }>(
  name: string,
  description: string,
  source: PopulationSource,
  extra: (population: Population, context: ScenarioContext) => Promise<S>,
  nextRequest: Scenario<S>['nextRequest'],
): Scenario<S> {
  return {
    name,
    description,
    setup: async (context) => extra(await source(context), context),
    userCount: (state) => state.population.users.length,
    teardown: (state) => state.population.close(),
    nextRequest,
  };
}

const withPopulation = async (population: Population) => ({ population });

export function composePostScenario(source: PopulationSource): Scenario<{ population: Population }> {
  return socialScenario(
    'compose-post',
    'POST /api/v1/posts: a text post by the drawn user (fan-out to followers happens after the 201)',
    source,
    withPopulation,
    (user, { population }, rng) => composePostRequest(seededUser(population, user), rng),
  );
}

export function readHomeTimelineScenario(source: PopulationSource): Scenario<{ population: Population }> {
  return socialScenario(
    'read-home-timeline',
    'GET /api/v1/feed?limit=10: the drawn user’s home timeline, hydrated by the gateway',
    source,
    withPopulation,
    (user, { population }) => homeTimelineRequest(seededUser(population, user)),
  );
}

export function readUserTimelineScenario(source: PopulationSource): Scenario<{ population: Population }> {
  return socialScenario(
    'read-user-timeline',
    'GET /api/v1/users/:id/posts?limit=10: the drawn user’s own posts',
    source,
    withPopulation,
    (user, { population }) => {
      const seeded = seededUser(population, user);
      return userTimelineRequest(seeded, seeded.id);
    },
  );
}

export function mixedScenario(source: PopulationSource): Scenario<{ population: Population }> {
  return socialScenario(
    'mixed',
    'DeathStarBench mix: 60 % read-home-timeline, 30 % read-user-timeline, 10 % compose-post',
    source,
    withPopulation,
    (user, { population }, rng) => {
      const seeded = seededUser(population, user);
      switch (pickMixed(rng)) {
        case 'read-home-timeline':
          return homeTimelineRequest(seeded);
        case 'read-user-timeline':
          return userTimelineRequest(seeded, seeded.id);
        case 'compose-post':
          return composePostRequest(seeded, rng);
      }
    },
  );
}

export function loginScenario(source: PopulationSource): Scenario<{ population: Population }> {
  return socialScenario(
    'login',
    'POST /api/v1/auth/login as the drawn user (argon2id verification; needs wide auth throttles)',
    source,
    withPopulation,
    (user, { population }) => loginRequest(seededUser(population, user)),
  );
}

/**
 * follow-churn: the drawn user alternately follows someone outside the seeded graph's neighbourhood and
 * unfollows them again on its next turn, so the graph stays close to the seeded one and both directions
 * (and their events: counts, backfill, timeline removal) are exercised equally.
 */
export interface FollowChurnState {
  population: Population;
  /** Per user: the node it followed on its last turn and unfollows next, or −1. */
  pending: Int32Array;
}

export function followChurnScenario(source: PopulationSource): Scenario<FollowChurnState> {
  return socialScenario(
    'follow-churn',
    'PUT then DELETE /api/v1/users/:id/follow: the drawn user follows a non-friend, and unfollows on its next turn',
    source,
    async (population) => ({ population, pending: new Int32Array(population.users.length).fill(-1) }),
    (user, state, rng) => nextChurn(user, state, rng),
  );
}

export function nextChurn(user: number, state: FollowChurnState, rng: Rng) {
  const { population, pending } = state;
  const seeded = seededUser(population, user);
  const previous = pending[user] as number;
  if (previous >= 0) {
    pending[user] = -1;
    return followRequest(seeded, seededUser(population, previous).id, false);
  }
  const followee = pickNonFriend(population, user, rng);
  pending[user] = followee;
  return followRequest(seeded, seededUser(population, followee).id, true);
}

/** A user other than `user` and outside its friends (a few random tries; a friend if the graph is dense). */
function pickNonFriend(population: Population, user: number, rng: Rng): number {
  const count = population.users.length;
  const friends = population.graph.following(user);
  let candidate = user;
  for (let attempt = 0; attempt < 8; attempt++) {
    candidate = rng.int(count - 1);
    if (candidate >= user) candidate++;
    if (!binaryIncludes(friends, candidate)) return candidate;
  }
  return candidate;
}

function binaryIncludes(sorted: Int32Array, value: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = sorted[mid] as number;
    if (at === value) return true;
    if (at < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * media-upload: one user action of three requests, timed as one operation — POST /api/v1/media (a
 * presigned URL), PUT the bytes there (object storage or the local store, not the gateway), POST
 * …/complete (202, processing queued). Processing itself is asynchronous and not part of the latency;
 * the media worker's throughput shows in its own metrics. Images (PNG and JPEG, 10–60 KB) are drawn
 * once in setup and reused.
 */
export interface MediaUploadState {
  population: Population;
  images: SeedImage[];
}

export const MEDIA_UPLOAD_IMAGES = 8;

export function mediaUploadScenario(source: PopulationSource): Scenario<MediaUploadState> {
  return socialScenario(
    'media-upload',
    'POST /api/v1/media → PUT bytes to the presigned URL → POST /api/v1/media/:id/complete (202), as one operation',
    source,
    async (population, context) => {
      const images: SeedImage[] = [];
      for (let i = 0; i < MEDIA_UPLOAD_IMAGES; i++)
        images.push(await generateSeedImage({ seed: context.rng.int(2 ** 31) }));
      return { population, images };
    },
    (user, state, rng) =>
      mediaUploadOperation(
        seededUser(state.population, user).accessToken,
        state.images[rng.int(state.images.length)] as SeedImage,
      ),
  );
}

export function mediaUploadOperation(accessToken: string, image: SeedImage): OperationSpec {
  return {
    kind: 'operation',
    label: 'media-upload',
    async run(client: OperationClient): Promise<OperationOutcome> {
      const created = await client.request({
        method: 'POST',
        path: API.media,
        headers: { ...bearer(accessToken), ...JSON_HEADERS },
        body: JSON.stringify({ contentType: image.contentType, size: image.bytes.byteLength }),
      });
      if (created.status !== 201)
        return { ok: false, status: created.status, errorKind: `create-http-${created.status}` };
      const upload = JSON.parse(created.body) as {
        id: string;
        uploadUrl: string;
        uploadHeaders: Record<string, string>;
      };
      const stored = await client.request({
        method: 'PUT',
        path: upload.uploadUrl,
        headers: upload.uploadHeaders,
        body: image.bytes,
      });
      if (stored.status < 200 || stored.status >= 300) {
        return { ok: false, status: stored.status, errorKind: `upload-http-${stored.status}` };
      }
      const completed = await client.request({
        method: 'POST',
        path: API.completeMedia(upload.id),
        headers: bearer(accessToken),
      });
      if (completed.status !== 202) {
        return { ok: false, status: completed.status, errorKind: `complete-http-${completed.status}` };
      }
      return { ok: true, status: 202 };
    },
  };
}
