// The end-to-end journeys, written once and run against every way of running the system (embedded
// in this process, local infrastructure as separate processes). Everything goes through the gateway
// over HTTP, exactly as a client would; nothing reaches into a service or a store.
import { randomBytes } from 'node:crypto';
import { expect } from '@jest/globals';
import { eventually, JourneyClient, type Session } from './journey-client.ts';

const PASSWORD = 'correct horse battery staple';

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

interface HydratedItem {
  post: { id: string; text: string; likeCount: number; commentCount: number; mediaIds: string[] };
  author: { id: string; username: string } | null;
  media: { id: string; status: string; variants: Record<string, { url: string }> }[];
  likedByMe: boolean | null;
}

async function feedOf(client: JourneyClient, session: Session): Promise<HydratedItem[]> {
  const reply = await client.call('GET', '/api/v1/feed?limit=50', { token: session.accessToken });
  if (reply.status !== 200) throw new Error(`feed: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body.items as HydratedItem[];
}

async function waitForReadyMedia(client: JourneyClient, session: Session, mediaId: string) {
  return eventually(
    `media ${mediaId} ready`,
    async () => {
      const reply = await client.call('GET', `/api/v1/media/${mediaId}`, { token: session.accessToken });
      if (reply.body.status === 'failed') throw new Error(`media failed: ${reply.body.failureReason}`);
      return reply.body.status === 'ready' ? reply.body : undefined;
    },
    60_000,
  );
}

/**
 * Register → log in → upload an image → post with it → a follower sees it hydrated in the feed →
 * like and comment → the author is notified → search finds it → edit → delete → gone from feeds and
 * search → refresh token → log out.
 */
export async function mainJourney(gatewayUrl: string): Promise<void> {
  const client = new JourneyClient(gatewayUrl);
  const [alice, bob, carol] = await Promise.all(
    ['alice', 'bob', 'carol'].map((name) => client.register(uniqueName(name), PASSWORD)),
  );
  if (!alice || !bob || !carol) throw new Error('registration failed');

  // Log in as the author (a fresh session, as a returning user would).
  const login = await client.login(alice.username, PASSWORD);
  expect(login.status).toBe(200);
  const author: Session = { ...alice, accessToken: login.body.accessToken, refreshToken: login.body.refreshToken };
  expect((await client.login(alice.username, 'not the password')).status).toBe(401);

  // Bob follows Alice; Carol follows nobody.
  expect((await client.call('PUT', `/api/v1/users/${author.userId}/follow`, { token: bob.accessToken })).status).toBe(
    204,
  );

  // An image through the presigned URL, processed by the worker.
  const mediaId = await client.uploadImage(author, 42);
  const media = await waitForReadyMedia(client, author, mediaId);
  expect(Object.keys(media.variants).length).toBeGreaterThan(0);

  const createPost = {
    token: author.accessToken,
    headers: { 'idempotency-key': `"${uniqueName('post')}"` },
    body: { text: `Sunset over the harbour, with @${bob.username} #e2e`, mediaIds: [mediaId] },
  };
  const created = await client.call('POST', '/api/v1/posts', createPost);
  expect(created.status).toBe(201);
  expect(created.headers.get('location')).toBe(`/api/v1/posts/${created.body.id}`);
  expect(created.headers.get('idempotent-replayed')).toBeNull();
  const postId: string = created.body.id;
  // A retry with the same key gets the first answer back, marked as such, and writes nothing.
  const replayed = await client.call('POST', '/api/v1/posts', createPost);
  expect([replayed.status, replayed.body.id, replayed.headers.get('location')]).toEqual([
    201,
    postId,
    `/api/v1/posts/${postId}`,
  ]);
  expect(replayed.headers.get('idempotent-replayed')).toBe('true');

  // The follower sees it, hydrated: the post, its author, its media with working URLs.
  const seen = await eventually('the post in the follower’s feed', async () =>
    (await feedOf(client, bob)).find((item) => item.post.id === postId),
  );
  expect(seen.author?.username).toBe(author.username);
  expect(seen.likedByMe).toBe(false);
  expect(seen.media.map((item) => item.id)).toEqual([mediaId]);
  const variantUrl = Object.values(seen.media[0]?.variants ?? {})[0]?.url;
  expect(variantUrl).toBeDefined();
  const image = await fetch(new URL(variantUrl as string, gatewayUrl));
  expect(image.status).toBe(200);
  expect(image.headers.get('content-type')).toMatch(/^image\//);
  await image.body?.cancel();
  // The author sees their own post too; someone who does not follow the author never does.
  expect((await feedOf(client, author)).some((item) => item.post.id === postId)).toBe(true);
  expect((await feedOf(client, carol)).some((item) => item.post.id === postId)).toBe(false);

  // Like and comment.
  expect((await client.call('PUT', `/api/v1/posts/${postId}/like`, { token: bob.accessToken })).status).toBe(204);
  const comment = await client.call('POST', `/api/v1/posts/${postId}/comments`, {
    token: bob.accessToken,
    body: { text: 'What a view!' },
  });
  expect(comment.status).toBe(201);
  const liked = (await feedOf(client, bob)).find((item) => item.post.id === postId);
  expect(liked?.likedByMe).toBe(true);
  expect(liked?.post.likeCount).toBe(1);
  expect(liked?.post.commentCount).toBe(1);

  // The author is notified of the follow, the like and the comment; Bob of the mention.
  const notified = await eventually('the author’s notifications', async () => {
    const reply = await client.call('GET', '/api/v1/notifications', { token: author.accessToken });
    const types = new Set((reply.body.items ?? []).map((item: { type: string }) => item.type));
    return ['follow', 'like', 'comment'].every((type) => types.has(type)) ? reply.body : undefined;
  });
  expect(notified.unreadCount).toBeGreaterThanOrEqual(3);
  for (const item of notified.items) expect(item.actorIds).toContain(bob.userId);
  const mention = await eventually('Bob’s mention notification', async () => {
    const reply = await client.call('GET', '/api/v1/notifications', { token: bob.accessToken });
    return reply.body.items?.find((item: { type: string }) => item.type === 'mention');
  });
  expect(mention.postId).toBe(postId);
  const read = await client.call('POST', '/api/v1/notifications/read', {
    token: author.accessToken,
    body: { upTo: notified.items[0].id },
  });
  expect(read.status).toBe(200);
  expect(read.body.unreadCount).toBe(0);

  // Search finds it by meaning-bearing words, hydrated like the feed.
  const found = await eventually('the post in search results', async () => {
    const reply = await client.call('GET', '/api/v1/search/posts?q=sunset%20harbour&limit=10', {
      token: carol.accessToken,
    });
    return reply.body.items?.find((item: HydratedItem) => item.post.id === postId);
  });
  expect(found.author.username).toBe(author.username);

  // Edit: only the author may; the feed shows the new text.
  const stranger = await client.call('PATCH', `/api/v1/posts/${postId}`, {
    token: bob.accessToken,
    body: { text: 'hijacked' },
  });
  expect(stranger.status).toBe(403);
  const edited = await client.call('PATCH', `/api/v1/posts/${postId}`, {
    token: author.accessToken,
    body: { text: 'Sunset over the harbour (edited)' },
  });
  expect(edited.status).toBe(200);
  expect((await feedOf(client, bob)).find((item) => item.post.id === postId)?.post.text).toBe(
    'Sunset over the harbour (edited)',
  );

  // Delete: gone from the post service at once, from feeds and search once the event is through.
  expect((await client.call('DELETE', `/api/v1/posts/${postId}`, { token: author.accessToken })).status).toBe(204);
  expect((await client.call('GET', `/api/v1/posts/${postId}`, { token: bob.accessToken })).status).toBe(404);
  await eventually('the post gone from the follower’s feed', async () =>
    (await feedOf(client, bob)).some((item) => item.post.id === postId) ? undefined : true,
  );
  await eventually('the post gone from search', async () => {
    const reply = await client.call('GET', '/api/v1/search/posts?q=sunset%20harbour&limit=50', {
      token: carol.accessToken,
    });
    return reply.status === 200 && !reply.body.items.some((item: HydratedItem) => item.post.id === postId)
      ? true
      : undefined;
  });

  // Refresh rotates the refresh token; reusing the old one is refused.
  const refreshed = await client.call('POST', '/api/v1/auth/refresh', { body: { refreshToken: author.refreshToken } });
  expect(refreshed.status).toBe(200);
  expect(refreshed.body.refreshToken).not.toBe(author.refreshToken);
  expect((await client.call('GET', '/api/v1/users/me', { token: refreshed.body.accessToken })).status).toBe(200);

  // Log out: the session's refresh token no longer works.
  const logout = await client.call('POST', '/api/v1/auth/logout', {
    body: { refreshToken: refreshed.body.refreshToken },
  });
  expect(logout.status).toBe(204);
  expect(
    (await client.call('POST', '/api/v1/auth/refresh', { body: { refreshToken: refreshed.body.refreshToken } })).status,
  ).toBe(401);
}

/** Two clients race to register one username: exactly one wins, the other gets a 409 problem. */
export async function registrationRace(gatewayUrl: string): Promise<void> {
  const client = new JourneyClient(gatewayUrl);
  const username = uniqueName('race');
  const replies = await Promise.all(
    [0, 1].map(() => client.call('POST', '/api/v1/auth/register', { body: { username, password: PASSWORD } })),
  );
  expect(replies.map((reply) => reply.status).sort()).toEqual([201, 409]);
  const loser = replies.find((reply) => reply.status === 409);
  expect(loser?.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect((await client.login(username, PASSWORD)).status).toBe(200);
}

export interface PersistedWorld {
  author: Session;
  follower: Session;
  postId: string;
  mediaId: string;
  variantUrl: string;
}

/** Writes a follow, an image and a post, for the restart check. */
export async function createWorld(gatewayUrl: string): Promise<PersistedWorld> {
  const client = new JourneyClient(gatewayUrl);
  const author = await client.register(uniqueName('keeper'), PASSWORD);
  const follower = await client.register(uniqueName('fan'), PASSWORD);
  expect(
    (await client.call('PUT', `/api/v1/users/${author.userId}/follow`, { token: follower.accessToken })).status,
  ).toBe(204);
  const mediaId = await client.uploadImage(author, 7);
  const media = await waitForReadyMedia(client, author, mediaId);
  const created = await client.call('POST', '/api/v1/posts', {
    token: author.accessToken,
    body: { text: 'Kept across a restart', mediaIds: [mediaId] },
  });
  expect(created.status).toBe(201);
  const variantUrl = Object.values(media.variants as Record<string, { url: string }>)[0]?.url as string;
  return { author, follower, postId: created.body.id, mediaId, variantUrl };
}

/** After a restart: every post, follow and image is still there, and old sessions still work. */
export async function checkWorld(gatewayUrl: string, world: PersistedWorld): Promise<void> {
  const client = new JourneyClient(gatewayUrl);
  // The signing keys survived: a token issued before the restart is still valid.
  const post = await client.call('GET', `/api/v1/posts/${world.postId}`, { token: world.follower.accessToken });
  expect(post.status).toBe(200);
  expect(post.body.text).toBe('Kept across a restart');
  expect(post.body.mediaIds).toEqual([world.mediaId]);
  const following = await client.call('GET', `/api/v1/users/${world.follower.userId}/following`, {
    token: world.follower.accessToken,
  });
  expect(following.body.items.map((user: { id: string }) => user.id)).toContain(world.author.userId);
  const image = await fetch(new URL(world.variantUrl, gatewayUrl));
  expect(image.status).toBe(200);
  await image.body?.cancel();
  expect((await client.login(world.author.username, PASSWORD)).status).toBe(200);
  // The follower's timeline is rebuilt (regenerated, or kept) with the author's post in it.
  await eventually('the kept post in the follower’s feed', async () =>
    (await feedOf(client, world.follower)).some((item) => item.post.id === world.postId) ? true : undefined,
  );
}
