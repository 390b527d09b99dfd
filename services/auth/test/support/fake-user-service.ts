// A REAL HTTP server implementing the user service's internal contract from the issue #3 design, so
// the saga is tested over the wire (service client, timeouts, retries, service-token verification
// with kit's verifier against auth's JWKS) while the real user service is built in parallel:
//   PUT    /internal/users/:id   {username, displayName?}  201 created | 200 same id+username | 409
//   POST   /internal/users/bulk {users: [{id, username, displayName?}]}  200 {items} | 409 (all or nothing)
//   DELETE /internal/users/:id                              204 always
//   GET    /api/v1/users/:id     (user access token)        200 profile | 404
// `mode` makes it fail on purpose.

import type { UserProfile } from '@scalegram/contracts/users';
import { type AccessTokenVerifier, createAccessTokenVerifier } from '@scalegram/kit/access-token';
import { type App, createApp } from '@scalegram/kit/app';
import { bearerToken } from '@scalegram/kit/authentication';
import { HttpProblem } from '@scalegram/kit/http-problem';
import type { FastifyRequest } from 'fastify';

export type FakeMode =
  | 'ok'
  /** PUT stores the profile, then answers 500 (the profile exists although the call "failed"). */
  | 'fail-after-create'
  /** PUT waits `slowMs`, then stores the profile and answers (after a client timeout: a late write). */
  | 'slow-write'
  /** PUT stores the profile at once, then waits `slowMs` before answering 201. */
  | 'slow-answer'
  /** PUT answers 503 without doing anything (retried by the client). */
  | 'unavailable';

export interface FakeUserService {
  url: string;
  profiles: Map<string, UserProfile>;
  mode: FakeMode;
  slowMs: number;
  /** DELETE answers 500 while true (a compensation that fails). */
  failDeletes: boolean;
  calls: { method: string; path: string }[];
  close(): Promise<void>;
}

export async function startFakeUserService(options: {
  jwksUrl: () => string;
  issuer: string;
}): Promise<FakeUserService> {
  const app: App = createApp({ name: 'fake-user', version: '0', logLevel: 'silent' });
  let internal: AccessTokenVerifier | undefined;
  let users: AccessTokenVerifier | undefined;
  const verify = async (request: FastifyRequest, audience: 'scalegram' | 'scalegram-internal') => {
    const token = bearerToken(request);
    if (token === undefined) throw new HttpProblem(401, 'unauthenticated', 'Authentication required');
    if (audience === 'scalegram-internal') {
      internal ??= createAccessTokenVerifier({ jwks: options.jwksUrl(), issuer: options.issuer, audience });
      const identity = await internal.verify(token);
      if (!identity.scope.includes('users:write')) throw new HttpProblem(403, 'insufficient-scope', 'Forbidden');
      return identity;
    }
    users ??= createAccessTokenVerifier({ jwks: options.jwksUrl(), issuer: options.issuer, audience });
    return users.verify(token);
  };

  const state: FakeUserService = {
    url: '',
    profiles: new Map(),
    mode: 'ok',
    slowMs: 0,
    failDeletes: false,
    calls: [],
    close: () => app.close(),
  };
  const profileOf = (id: string, username: string, displayName?: string): UserProfile => ({
    id,
    username,
    displayName: displayName ?? username,
    bio: '',
    avatarMediaId: null,
    followerCount: 0,
    followingCount: 0,
    postCount: 0,
    createdAt: new Date().toISOString(),
  });

  app.addHook('onRequest', async (request) => {
    state.calls.push({ method: request.method, path: request.url });
  });

  app.register(async (routes: App) => {
    routes.put<{ Params: { id: string }; Body: { username: string; displayName?: string } }>(
      '/internal/users/:id',
      async (request, reply) => {
        await verify(request, 'scalegram-internal');
        const { id } = request.params;
        const { username, displayName } = request.body;
        if (state.mode === 'unavailable') throw new HttpProblem(503, 'unavailable', 'Unavailable');
        const existing = state.profiles.get(id);
        if (existing) {
          if (existing.username === username) return reply.code(200).send(existing);
          throw new HttpProblem(409, 'user-id-conflict', 'Conflict');
        }
        for (const profile of state.profiles.values()) {
          if (profile.username.toLowerCase() === username.toLowerCase()) {
            throw new HttpProblem(409, 'username-taken', 'Conflict');
          }
        }
        const profile = profileOf(id, username, displayName);
        const pause = () => new Promise((resolve) => setTimeout(resolve, state.slowMs));
        if (state.mode === 'slow-write') await pause();
        state.profiles.set(id, profile);
        if (state.mode === 'slow-answer') await pause();
        if (state.mode === 'fail-after-create') throw new Error('crashed after creating the profile');
        return reply.code(201).send(profile);
      },
    );
    routes.post<{ Body: { users: { id: string; username: string; displayName?: string }[] } }>(
      '/internal/users/bulk',
      async (request) => {
        await verify(request, 'scalegram-internal');
        if (state.mode === 'unavailable') throw new HttpProblem(503, 'unavailable', 'Unavailable');
        const taken = new Set([...state.profiles.values()].map((profile) => profile.username.toLowerCase()));
        if (request.body.users.some((user) => taken.has(user.username.toLowerCase()))) {
          throw new HttpProblem(409, 'username-taken', 'Conflict');
        }
        const items = request.body.users.map((user) => profileOf(user.id, user.username, user.displayName));
        for (const profile of items) state.profiles.set(profile.id, profile);
        return { items };
      },
    );
    routes.delete<{ Params: { id: string } }>('/internal/users/:id', async (request, reply) => {
      await verify(request, 'scalegram-internal');
      if (state.failDeletes) throw new Error('delete failed');
      state.profiles.delete(request.params.id);
      return reply.code(204).send();
    });
    routes.get<{ Params: { id: string } }>('/api/v1/users/:id', async (request) => {
      await verify(request, 'scalegram');
      const profile = state.profiles.get(request.params.id);
      if (profile === undefined) throw new HttpProblem(404, 'not-found', 'Not found');
      return profile;
    });
  });

  state.url = await app.listen({ port: 0, host: '127.0.0.1' });
  return state;
}
