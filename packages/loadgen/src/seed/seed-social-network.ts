// Seeds a running Scalegram through its public API (the gateway): one account per graph node, the
// graph's friendships as mutual follows, then posts (every Nth with a real image), likes and comments.
// Everything goes through the same routes a client uses, so seeding also exercises registration sagas,
// follow events, fan-out and media processing.
//
// Resumable: user i is always `${usernamePrefix}${i}`; a username that exists logs in instead of
// registering; a user whose following count already matches its degree is not followed again (follows
// are idempotent anyway); posts carry an Idempotency-Key derived from (username, post number), so a
// second run replays instead of duplicating, and a user whose post count is already reached is skipped.
// Sessions from an earlier run (`known`) are reused while their access token is valid, which spares the
// argon2id verification of a login.

import { ApiError, createSocialApi, type Session, type SocialApi, type SocialApiOptions } from '../api/social-api.ts';
import type { SocialGraph } from '../graph/social-graph.ts';
import { createRng } from '../rng.ts';
import { forEachConcurrent } from './concurrency.ts';
import {
  createInternalApi,
  FOLLOW_BATCH_SIZE,
  InternalApiError,
  type InternalSeedTarget,
  REGISTRATION_BATCH_SIZE,
} from './internal-api.ts';
import { generateSeedImage } from './seed-images.ts';
import { commentText, postText } from './seed-text.ts';

export type SeedPhase = 'users' | 'follows' | 'posts' | 'likes' | 'comments';

export interface SeededUser {
  /** The graph node this account stands for. */
  index: number;
  id: string;
  username: string;
  password: string;
  accessToken: string;
  refreshToken: string;
  /** Epoch milliseconds. */
  accessTokenExpiresAt: number;
}

export interface SeedOptions {
  /** The gateway, e.g. http://127.0.0.1:8080. */
  baseUrl: string | URL;
  graph: SocialGraph;
  /** Every seeded account's password (8–128 characters). */
  password: string;
  /** User i is `${usernamePrefix}${i}`; default `user_`. Use another prefix to seed a second population. */
  usernamePrefix?: string;
  /** Posts per user (default 0). */
  postsPerUser?: number;
  /** Every Nth post carries a generated image (0 or absent: none). */
  imagesEvery?: number;
  /** Likes per created post, from the author's followers (default 0). */
  likesPerPost?: number;
  /** Comments per created post (default 0). */
  commentsPerPost?: number;
  /** Requests in flight at once (default 8). Registration is argon2id-bound: more than ~2× the cores gains little. */
  concurrency?: number;
  /** Seed of the generated texts, images and choice of likers (default 1). */
  seed?: number;
  /** Sessions from an earlier run: users with a valid access token skip the login. */
  known?: readonly SeededUser[];
  /** How long to wait for an uploaded image to be processed before posting without it (default 60 s). */
  mediaReadyTimeoutMs?: number;
  /**
   * A service client of the target and where its internal routes are: registrations and follows then
   * go in bulk (ADR 0041). Absent: everything goes through the public API, as any client could do it.
   */
  internal?: InternalSeedTarget;
  /** Client settings (timeouts, retries, connections). */
  api?: Omit<SocialApiOptions, 'baseUrl'>;
  onProgress?: (phase: SeedPhase, done: number, total: number) => void;
}

export interface SeedResult {
  users: SeededUser[];
  registered: number;
  loggedIn: number;
  follows: number;
  /** Users whose follows were already complete. */
  followsSkippedUsers: number;
  posts: number;
  /** Posts that already existed (Idempotency-Key replays, or users whose post count was reached). */
  postsSkipped: number;
  images: number;
  /** Images that failed processing or were not ready in time; their posts went out without them. */
  imagesFailed: number;
  likes: number;
  comments: number;
  durationMs: number;
}

const DISPLAY_FIRST = [
  'Ada',
  'Ben',
  'Chloé',
  'Dev',
  'Emi',
  'Femi',
  'Gus',
  'Hana',
  'Ivo',
  'Jae',
  'Kai',
  'Lena',
  'Mo',
  'Noor',
  'Oli',
  'Pia',
  'Quinn',
  'Rui',
  'Sam',
  'Tara',
  'Uma',
  'Vik',
  'Wen',
  'Yara',
  'Zoe',
];
const DISPLAY_LAST = [
  'Adams',
  'Berg',
  'Costa',
  'Diaz',
  'Eze',
  'Fischer',
  'Garcia',
  'Haddad',
  'Ito',
  'Jensen',
  'Kim',
  'Lopez',
  'Moreau',
  'Nguyen',
  'Okafor',
  'Park',
  'Rossi',
  'Singh',
  'Tanaka',
  'Walsh',
];

export const seedUsername = (prefix: string, index: number): string => `${prefix}${index}`;

/** A readable display name, a pure function of the user index. */
export function seedDisplayName(index: number): string {
  const rng = createRng(index + 7919);
  return `${DISPLAY_FIRST[rng.int(DISPLAY_FIRST.length)]} ${DISPLAY_LAST[rng.int(DISPLAY_LAST.length)]}`;
}

/** A distinct, well-mixed seed per (run seed, item), so generated data does not depend on task order. */
const itemSeed = (seed: number, item: number): number => (Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) + item) >>> 0;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Refresh an access token this long before it expires. */
const TOKEN_MARGIN_MS = 60_000;

interface LiveUser extends SeededUser {
  followingCount: number;
  postCount: number;
  refreshing?: Promise<void>;
}

interface SeededPost {
  id: string;
  author: number;
  number: number;
}

export async function seedSocialNetwork(options: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  const { graph, password } = options;
  const prefix = options.usernamePrefix ?? 'user_';
  const concurrency = options.concurrency ?? 8;
  const postsPerUser = options.postsPerUser ?? 0;
  const imagesEvery = options.imagesEvery ?? 0;
  const likesPerPost = options.likesPerPost ?? 0;
  const commentsPerPost = options.commentsPerPost ?? 0;
  const seed = options.seed ?? 1;
  const progress = options.onProgress ?? (() => {});
  const api = createSocialApi({ connections: concurrency * 2, ...options.api, baseUrl: options.baseUrl });
  const known = new Map((options.known ?? []).map((user) => [user.username, user]));
  const internal = options.internal === undefined ? undefined : createInternalApi(options.internal);
  const users: LiveUser[] = new Array(graph.nodeCount);
  const result: Omit<SeedResult, 'users' | 'durationMs'> = {
    registered: 0,
    loggedIn: 0,
    follows: 0,
    followsSkippedUsers: 0,
    posts: 0,
    postsSkipped: 0,
    images: 0,
    imagesFailed: 0,
    likes: 0,
    comments: 0,
  };

  const live = (index: number, session: Session): LiveUser => ({
    index,
    id: session.user.id,
    username: session.user.username,
    password,
    accessToken: session.accessToken,
    refreshToken: session.refreshToken,
    accessTokenExpiresAt: Date.now() + session.expiresIn * 1000,
    followingCount: session.user.followingCount,
    postCount: session.user.postCount,
  });

  /** The user's access token, refreshed first when it is about to expire (once, however many callers ask). */
  const tokenOf = async (user: LiveUser): Promise<string> => {
    if (user.accessTokenExpiresAt - Date.now() < TOKEN_MARGIN_MS) {
      user.refreshing ??= api.refresh(user.refreshToken).then(
        (pair) => {
          user.accessToken = pair.accessToken;
          user.refreshToken = pair.refreshToken;
          user.accessTokenExpiresAt = Date.now() + pair.expiresIn * 1000;
          user.refreshing = undefined;
        },
        async () => {
          // A refresh token can be gone (rotated by another run, revoked): a login always works.
          const session = await api.login(user.username, password);
          Object.assign(user, live(user.index, session), { refreshing: undefined });
        },
      );
      await user.refreshing;
    }
    return user.accessToken;
  };

  /** The posts this run created (not replays): likes and comments go to them. */
  const created: SeededPost[] = [];

  async function engage(
    phase: 'likes' | 'comments',
    perPost: number,
    act: (post: SeededPost, user: LiveUser, rng: ReturnType<typeof createRng>) => Promise<void>,
  ): Promise<void> {
    if (perPost <= 0) return;
    const tasks = function* () {
      for (const post of created) {
        const rng = createRng(itemSeed(seed ^ (phase === 'likes' ? 0x11 : 0x22), post.number));
        for (const index of pickEngagers(graph, post.author, perPost, rng, phase === 'likes')) {
          yield { post, user: users[index] as LiveUser, rng: rng.fork() };
        }
      }
    };
    const total = [...tasks()].length;
    let count = 0;
    progress(phase, 0, total);
    await forEachConcurrent(tasks(), concurrency, async ({ post, user, rng }) => {
      await act(post, user, rng);
      progress(phase, ++count, total);
    });
  }

  /** Uploads one generated image and waits until it is processed; [] if it fails or takes too long. */
  async function uploadImage(user: LiveUser, global: number): Promise<string[]> {
    const image = await generateSeedImage({ seed: itemSeed(seed, global) });
    const upload = await api.createMedia(await tokenOf(user), image.contentType, image.bytes.byteLength);
    await api.upload(upload, image.bytes);
    await api.completeMedia(await tokenOf(user), upload.id);
    const deadline = Date.now() + (options.mediaReadyTimeoutMs ?? 60_000);
    for (let wait = 100; Date.now() < deadline; wait = Math.min(wait * 1.5, 1000)) {
      await sleep(wait);
      const media = await api.getMedia(await tokenOf(user), upload.id);
      if (media.status === 'ready') {
        result.images++;
        return [upload.id];
      }
      if (media.status === 'failed') break;
    }
    result.imagesFailed++;
    return [];
  }

  try {
    // Users. Counts from the session (following, posts) let the later phases skip finished work.
    let done = 0;
    progress('users', 0, graph.nodeCount);
    const enrol = async (index: number) => {
      const username = seedUsername(prefix, index);
      const previous = known.get(username);
      if (previous && previous.accessTokenExpiresAt - Date.now() > TOKEN_MARGIN_MS) {
        users[index] = { ...previous, index, followingCount: -1, postCount: -1 };
      } else {
        users[index] = live(index, await registerOrLogin(api, username, password, seedDisplayName(index), result));
      }
      progress('users', ++done, graph.nodeCount);
    };
    if (internal !== undefined) {
      // A hundred registrations per request; a batch with an account that exists already (a resumed
      // run) is refused whole, and its users then register or log in one by one.
      const fresh = [...range(graph.nodeCount)].filter((index) => !known.has(seedUsername(prefix, index)));
      const freshSet = new Set(fresh);
      await forEachConcurrent(chunks(fresh, REGISTRATION_BATCH_SIZE), 2, async (chunk) => {
        let sessions: Session[];
        try {
          sessions = await internal.registerMany(
            chunk.map((index) => ({
              username: seedUsername(prefix, index),
              password,
              displayName: seedDisplayName(index),
            })),
          );
        } catch (error) {
          // 409: an account exists already (a resumed run). 503: the outcome is unknown and the pending
          // accounts are left to auth's recovery loop. Either way, one by one: register, log in, or wait.
          if (!(error instanceof InternalApiError && (error.status === 409 || error.status === 503))) throw error;
          await forEachConcurrent(chunk, concurrency, enrol);
          return;
        }
        chunk.forEach((index, position) => {
          users[index] = live(index, sessions[position] as Session);
        });
        result.registered += chunk.length;
        done += chunk.length;
        progress('users', done, graph.nodeCount);
      });
      await forEachConcurrent(
        [...range(graph.nodeCount)].filter((index) => !freshSet.has(index)),
        concurrency,
        enrol,
      );
    } else {
      await forEachConcurrent(range(graph.nodeCount), concurrency, enrol);
    }

    // Images go up and through the media worker while the follows are written: they need only their
    // author, and waiting for each one inside the posting loop would hold a posting slot per image.
    const images = new Map<number, Promise<string[]>>();
    if (imagesEvery > 0) {
      const slots = createLimiter(Math.max(1, Math.floor(concurrency / 2)));
      for (let number = 0; number < postsPerUser; number++) {
        for (let author = 0; author < graph.nodeCount; author++) {
          const global = number * graph.nodeCount + author;
          const user = users[author] as LiveUser;
          if ((global + 1) % imagesEvery !== 0 || user.postCount >= postsPerUser) continue;
          const upload = slots(() => uploadImage(user, global));
          upload.catch(() => undefined); // awaited (and its failure thrown) where the post needs it
          images.set(global, upload);
        }
      }
    }

    // Follows: every friendship both ways, as one flat task list so a high-degree user does not serialize.
    const followTasks = function* () {
      for (let u = 0; u < graph.nodeCount; u++) {
        const user = users[u] as LiveUser;
        if (user.followingCount >= graph.degree(u)) {
          result.followsSkippedUsers++;
          continue;
        }
        for (const v of graph.following(u)) yield [u, v] as const;
      }
    };
    const followTotal = countFollows(graph, users);
    done = 0;
    progress('follows', 0, followTotal);
    if (internal !== undefined) {
      // The same edges in the same order, a thousand per transaction; two requests in flight so that
      // one is parsed while the other commits.
      await forEachConcurrent(chunks(followTasks(), FOLLOW_BATCH_SIZE), 2, async (chunk) => {
        const edges = chunk.map(([u, v]) => ({
          followerId: (users[u] as LiveUser).id,
          followeeId: (users[v] as LiveUser).id,
        }));
        result.follows += await internal.followMany(edges);
        done += chunk.length;
        progress('follows', done, followTotal);
      });
    } else {
      await forEachConcurrent(followTasks(), concurrency, async ([u, v]) => {
        const follower = users[u] as LiveUser;
        await api.follow(await tokenOf(follower), (users[v] as LiveUser).id);
        result.follows++;
        progress('follows', ++done, followTotal);
      });
    }

    // Posts, round by round (everyone's first post, then everyone's second…), so timelines interleave.
    const postTotal = graph.nodeCount * postsPerUser;
    done = 0;
    progress('posts', 0, postTotal);
    const postTasks = function* () {
      for (let number = 0; number < postsPerUser; number++) {
        for (let author = 0; author < graph.nodeCount; author++) yield { author, number };
      }
    };
    await forEachConcurrent(postTasks(), concurrency, async ({ author, number }) => {
      const user = users[author] as LiveUser;
      if (user.postCount >= postsPerUser) {
        result.postsSkipped++;
      } else {
        const global = number * graph.nodeCount + author;
        const rng = createRng(itemSeed(seed, global));
        const mediaIds = (await images.get(global)) ?? [];
        try {
          const post = await api.createPost(
            await tokenOf(user),
            postText(rng),
            mediaIds,
            `seed-${user.username}-${number}`,
          );
          if (post.replayed) result.postsSkipped++;
          else {
            result.posts++;
            created.push({ id: post.id, author, number: global });
          }
        } catch (error) {
          // The same key with a different body (a new image on a re-run): the post exists already.
          if (!(error instanceof ApiError && error.status === 422 && error.code === 'idempotency-key-mismatch'))
            throw error;
          result.postsSkipped++;
        }
      }
      progress('posts', ++done, postTotal);
    });

    // Likes and comments on the posts created by this run, from the author's followers.
    created.sort((a, b) => a.number - b.number);
    await engage('likes', likesPerPost, async (post, liker) => {
      await api.like(await tokenOf(liker), post.id);
      result.likes++;
    });
    await engage('comments', commentsPerPost, async (post, commenter, rng) => {
      await api.comment(await tokenOf(commenter), post.id, commentText(rng));
      result.comments++;
    });

    return {
      ...result,
      users: users.map(({ followingCount: _f, postCount: _p, refreshing: _r, ...user }) => user),
      durationMs: performance.now() - started,
    };
  } finally {
    await api.close();
  }
}

async function registerOrLogin(
  api: SocialApi,
  username: string,
  password: string,
  displayName: string,
  counts: { registered: number; loggedIn: number },
): Promise<Session> {
  // A 409 can come from our own earlier attempt (retried after a 503 on a loaded machine) whose saga is
  // still running — the account is pending and refuses logins until it finishes — or was compensated,
  // and then the name is free again. So: register, else log in, else wait and start over, a few times.
  for (let attempt = 1; ; attempt++) {
    try {
      const session = await api.register(username, password, displayName);
      counts.registered++;
      return session;
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 409)) throw explainThrottle(error, 'REGISTER_ADDRESS_LIMIT');
    }
    try {
      const session = await api.login(username, password);
      counts.loggedIn++;
      return session;
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401) || attempt >= LOGIN_ATTEMPTS_AFTER_CONFLICT) {
        throw loginFailure(error, username);
      }
      await sleep(Math.min(1_000 * attempt, 5_000));
    }
  }
}

// Long enough for auth's recovery loop to compensate a stale pending registration (30 s by default).
const LOGIN_ATTEMPTS_AFTER_CONFLICT = 12;

function loginFailure(error: unknown, username: string): unknown {
  if (error instanceof ApiError && error.status === 401) {
    return new Error(
      `${username} exists on the target with another password: seed with the password (or the seed state) ` +
        'of the run that created it, or another username prefix',
      { cause: error },
    );
  }
  return explainThrottle(error, 'LOGIN_ADDRESS_LIMIT');
}

/** A 429 that was too long to wait for: say which auth setting the target should raise. */
function explainThrottle(error: unknown, setting: string): unknown {
  if (error instanceof ApiError && error.status === 429) {
    return new Error(`${error.message} — seed a target whose auth service runs with a higher ${setting}`, {
      cause: error,
    });
  }
  return error;
}

function* range(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}

/** Runs at most `n` of the given tasks at once, in call order. */
function createLimiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

function* chunks<T>(items: Iterable<T>, size: number): Generator<T[]> {
  let chunk: T[] = [];
  for (const item of items) {
    chunk.push(item);
    if (chunk.length === size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

function countFollows(graph: SocialGraph, users: readonly LiveUser[]): number {
  let total = 0;
  for (let u = 0; u < graph.nodeCount; u++) {
    if ((users[u] as LiveUser).followingCount < graph.degree(u)) total += graph.degree(u);
  }
  return total;
}

/**
 * Who likes or comments on an author's post: distinct followers for likes (a like is once per user),
 * any followers (repeats allowed) for comments; anyone but the author when the author has no followers.
 */
export function pickEngagers(
  graph: SocialGraph,
  author: number,
  count: number,
  rng: ReturnType<typeof createRng>,
  distinct: boolean,
): number[] {
  if (graph.nodeCount < 2) return [];
  const followers = graph.following(author);
  const pool = followers.length > 0 ? followers : null;
  const draw = () => {
    if (pool) return pool[rng.int(pool.length)] as number;
    const other = rng.int(graph.nodeCount - 1);
    return other >= author ? other + 1 : other;
  };
  if (!distinct) return Array.from({ length: count }, draw);
  const available = pool ? pool.length : graph.nodeCount - 1;
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, available)) chosen.add(draw());
  return [...chosen];
}
