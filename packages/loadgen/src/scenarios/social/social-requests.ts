// The requests of the social-network scenarios, as pure functions of a seeded user (and the run's random
// source), so what each scenario sends can be read and tested without a server.
import { API, bearer, JSON_HEADERS } from '../../api/api-paths.ts';
import type { Rng } from '../../rng.ts';
import type { RequestSpec } from '../../scenario.ts';
import type { SeededUser } from '../../seed/seed-social-network.ts';
import { postText } from '../../seed/seed-text.ts';

type Who = Pick<SeededUser, 'accessToken'>;

/** DeathStarBench's compose-post: a new text post by the user. */
export const composePostRequest = (user: Who, rng: Rng): RequestSpec => ({
  method: 'POST',
  path: API.posts,
  headers: { ...bearer(user.accessToken), ...JSON_HEADERS },
  body: JSON.stringify({ text: postText(rng) }),
  expectedStatuses: [201],
  label: 'compose-post',
});

/** read-home-timeline: the first page of the user's home feed (gateway-composed, hydrated). */
export const homeTimelineRequest = (user: Who, limit = 10): RequestSpec => ({
  method: 'GET',
  path: API.homeTimeline(limit),
  headers: bearer(user.accessToken),
  expectedStatuses: [200],
  label: 'read-home-timeline',
});

/** read-user-timeline: the first page of a user's own posts, read by that user (as DeathStarBench does). */
export const userTimelineRequest = (reader: Who, ownerId: string, limit = 10): RequestSpec => ({
  method: 'GET',
  path: API.userPosts(ownerId, limit),
  headers: bearer(reader.accessToken),
  expectedStatuses: [200],
  label: 'read-user-timeline',
});

export const followRequest = (user: Who, followeeId: string, follow: boolean): RequestSpec => ({
  method: follow ? 'PUT' : 'DELETE',
  path: API.follow(followeeId),
  headers: bearer(user.accessToken),
  expectedStatuses: [204],
  label: follow ? 'follow' : 'unfollow',
});

/** login: username and password (argon2id verification on the auth service: the expensive request). */
export const loginRequest = (user: Pick<SeededUser, 'username' | 'password'>): RequestSpec => ({
  method: 'POST',
  path: API.login,
  headers: JSON_HEADERS,
  body: JSON.stringify({ username: user.username, password: user.password }),
  expectedStatuses: [200],
  label: 'login',
});

export type MixedKind = 'read-home-timeline' | 'read-user-timeline' | 'compose-post';

/** DeathStarBench's mixed workload: 60 % home timeline, 30 % user timeline, 10 % compose post. */
export const MIXED_WEIGHTS: ReadonlyArray<readonly [MixedKind, number]> = [
  ['read-home-timeline', 0.6],
  ['read-user-timeline', 0.3],
  ['compose-post', 0.1],
];

export function pickMixed(rng: Rng): MixedKind {
  let u = rng.next();
  for (const [kind, weight] of MIXED_WEIGHTS) {
    if (u < weight) return kind;
    u -= weight;
  }
  return 'compose-post';
}
