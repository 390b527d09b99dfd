import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ServiceClient } from '@scalegram/kit/service-client';
import { buildUserApp } from '../src/app.ts';
import { createAvatarChecker } from '../src/media/avatar-checker.ts';
import { bearer, type Harness, newUserId, startHarness, uniqueName } from './support/user-harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h.close();
});

describe('profiles', () => {
  it('creates a profile through the internal route and reads it back by id, by username and as "me"', async () => {
    const alice = await h.register(uniqueName('Alice'));
    const byId = await h.app.inject({ url: `/api/v1/users/${alice.id}`, headers: bearer(alice.token) });
    expect(byId.statusCode).toBe(200);
    expect(byId.json()).toEqual({
      id: alice.id,
      username: alice.username,
      displayName: alice.username,
      bio: '',
      avatarMediaId: null,
      followerCount: 0,
      followingCount: 0,
      postCount: 0,
      createdAt: expect.any(String),
    });
    const byName = await h.app.inject({
      url: `/api/v1/users/by-username/${alice.username.toUpperCase()}`,
      headers: bearer(alice.token),
    });
    expect(byName.statusCode).toBe(200);
    expect(byName.json().id).toBe(alice.id);
    const me = await h.app.inject({ url: '/api/v1/users/me', headers: bearer(alice.token) });
    expect(me.json()).toEqual(byId.json());
  });

  it('answers 404 problem+json for unknown ids and usernames', async () => {
    const bob = await h.register();
    const unknownId = await newUserId();
    for (const url of [`/api/v1/users/${unknownId}`, `/api/v1/users/by-username/${uniqueName('ghost')}`]) {
      const response = await h.app.inject({ url, headers: bearer(bob.token) });
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json().code).toBe('user-not-found');
    }
  });

  it('PATCH /users/me changes only the caller and returns the new profile', async () => {
    const carol = await h.register();
    const avatar = h.media.add(carol.id);
    const response = await h.app.inject({
      method: 'PATCH',
      url: '/api/v1/users/me',
      headers: bearer(carol.token),
      payload: { displayName: 'Carol C.', bio: 'hello', avatarMediaId: avatar.id },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      id: carol.id,
      displayName: 'Carol C.',
      bio: 'hello',
      avatarMediaId: avatar.id,
    });
    const cleared = await h.app.inject({
      method: 'PATCH',
      url: '/api/v1/users/me',
      headers: bearer(carol.token),
      payload: { avatarMediaId: null },
    });
    expect(cleared.json()).toMatchObject({ displayName: 'Carol C.', bio: 'hello', avatarMediaId: null });
  });

  it('refuses an avatar that is not an image of yours that is ready (422), and writes nothing', async () => {
    const erin = await h.register();
    const other = await h.register();
    const unknown = await newUserId();
    const cases = [
      [h.media.add(other.id).id, 'not yours'],
      [h.media.add(erin.id, { status: 'pending' }).id, 'not ready (pending)'],
      [h.media.add(erin.id, { status: 'failed' }).id, 'not ready (failed)'],
      [h.media.add(erin.id, { kind: 'video' }).id, 'not an image (video)'],
      [unknown, 'not found'],
    ] as const;
    for (const [avatarMediaId, message] of cases) {
      const response = await h.app.inject({
        method: 'PATCH',
        url: '/api/v1/users/me',
        headers: bearer(erin.token),
        payload: { bio: 'should not stick', avatarMediaId },
      });
      expect(response.statusCode).toBe(422);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json()).toMatchObject({
        code: 'invalid-avatar',
        errors: [{ field: '/body/avatarMediaId', message }],
      });
    }
    const me = await h.app.inject({ url: '/api/v1/users/me', headers: bearer(erin.token) });
    expect(me.json()).toMatchObject({ bio: '', avatarMediaId: null });
  });

  it('answers 503 without writing when the media service cannot check an avatar', async () => {
    const frank = await h.register();
    const avatar = h.media.add(frank.id);
    const unchecked = buildUserApp({
      database: h.db.database,
      kv: h.kv,
      userVerifier: h.tokens.userVerifier,
      serviceVerifier: h.tokens.serviceVerifier,
      profileCacheTtlMs: 1000,
      avatars: createAvatarChecker(new ServiceClient({ name: 'media', baseUrl: 'http://127.0.0.1:1', timeoutMs: 500 })),
      logLevel: 'silent',
    });
    try {
      const response = await unchecked.inject({
        method: 'PATCH',
        url: '/api/v1/users/me',
        headers: bearer(frank.token),
        payload: { bio: 'unchecked', avatarMediaId: avatar.id },
      });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ code: 'media-unavailable' });
      // Removing the avatar needs no check.
      const cleared = await unchecked.inject({
        method: 'PATCH',
        url: '/api/v1/users/me',
        headers: bearer(frank.token),
        payload: { avatarMediaId: null },
      });
      expect(cleared.statusCode).toBe(200);
    } finally {
      await unchecked.close();
    }
    const me = await h.app.inject({ url: '/api/v1/users/me', headers: bearer(frank.token) });
    expect(me.json()).toMatchObject({ bio: '', avatarMediaId: null });
  });

  it('requires a user token on every public route', async () => {
    const dave = await h.register();
    for (const url of ['/api/v1/users/me', `/api/v1/users/${dave.id}`, `/api/v1/users/${dave.id}/followers`]) {
      const anonymous = await h.app.inject({ url });
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json().code).toBe('unauthenticated');
      const forged = await h.app.inject({ url, headers: bearer(await h.tokens.foreignToken(dave.id)) });
      expect(forged.statusCode).toBe(401);
      expect(forged.json().code).toBe('invalid-token');
      // A service token is for internal routes only: wrong audience here.
      const service = await h.app.inject({ url, headers: bearer(await h.tokens.serviceToken('users:write')) });
      expect(service.statusCode).toBe(401);
    }
  });
});
