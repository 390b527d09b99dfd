// Register, login, refresh rotation, reuse detection, logout, password change — against PostgreSQL,
// Redis and the fake user service over HTTP.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createAccessTokenVerifier } from '@scalegram/kit/access-token';
import {
  type AuthHarness,
  ISSUER,
  login,
  register,
  type Session,
  startAuthHarness,
  uniqueUsername,
} from './support/auth-harness.ts';

let harness: AuthHarness;
beforeAll(async () => {
  harness = await startAuthHarness();
});
afterAll(async () => {
  await harness.close();
});

const refresh = (refreshToken: string) =>
  harness.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken } });
const logout = (refreshToken: string) =>
  harness.app.inject({ method: 'POST', url: '/api/v1/auth/logout', payload: { refreshToken } });
const changePassword = (accessToken: string, currentPassword: string, newPassword: string) =>
  harness.app.inject({
    method: 'POST',
    url: '/api/v1/auth/password',
    headers: { authorization: `Bearer ${accessToken}` },
    payload: { currentPassword, newPassword },
  });

describe('register and login', () => {
  it('registers: 201 with the profile, a verifiable access token and a refresh token; the profile exists upstream', async () => {
    const username = uniqueUsername('Reg');
    const { response, session } = await register(harness, username);
    expect(response.statusCode).toBe(201);
    expect(response.headers.location).toBe(`/api/v1/users/${session.user.id}`);
    expect(session.user).toMatchObject({ username, followerCount: 0 });
    expect(session.expiresIn).toBe(900);
    expect(session.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(harness.users.profiles.get(session.user.id)?.username).toBe(username);

    const verifier = createAccessTokenVerifier({
      jwks: `${harness.url}/.well-known/jwks.json`,
      issuer: ISSUER,
      audience: 'scalegram',
    });
    const identity = await verifier.verify(session.accessToken);
    expect(identity).toMatchObject({ userId: session.user.id, username });
    expect(identity.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    const row = await harness.database.db
      .selectFrom('credentials')
      .selectAll()
      .where('user_id', '=', session.user.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('active');
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('refuses a second registration of the same username in another case (409), writing nothing', async () => {
    const username = uniqueUsername('Dup');
    expect((await register(harness, username)).response.statusCode).toBe(201);
    const before = harness.users.profiles.size;
    const { response } = await register(harness, username.toUpperCase());
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: 'username-taken' });
    expect(harness.users.profiles.size).toBe(before);
  });

  it('logs in case-insensitively; a wrong password and an unknown user get the same 401', async () => {
    const username = uniqueUsername('Login');
    await register(harness, username);
    const ok = await login(harness, username.toLowerCase());
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ user: { username }, expiresIn: 900 });

    const wrong = await login(harness, username, 'not the password');
    const unknown = await login(harness, uniqueUsername('nobody'), 'not the password');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    const strip = (body: Record<string, unknown>) => ({ ...body, requestId: undefined, instance: undefined });
    expect(strip(wrong.json())).toEqual(strip(unknown.json()));
  });

  it('an unknown username costs an argon2id verification, like a wrong password (no timing oracle)', async () => {
    const username = uniqueUsername('Timing');
    await register(harness, username);
    const time = async (name: string) => {
      const start = performance.now();
      await login(harness, name, 'definitely wrong');
      return performance.now() - start;
    };
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 7; i++) {
      known.push(await time(username));
      unknown.push(await time(uniqueUsername('ghost')));
    }
    // One argon2id verification costs several milliseconds here; without the dummy hash the unknown
    // case would take well under one. The medians stay within a factor of two of each other.
    const ratio = median(unknown) / median(known);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });
});

describe('refresh rotation and reuse detection', () => {
  it('rotates on every use; the old token presented again revokes the whole family', async () => {
    const { session } = await register(harness, uniqueUsername('Rot'));
    const first = await refresh(session.refreshToken);
    expect(first.statusCode).toBe(200);
    const pair1 = first.json() as Session;
    expect(pair1.refreshToken).not.toBe(session.refreshToken);
    const second = await refresh(pair1.refreshToken);
    expect(second.statusCode).toBe(200);
    const pair2 = second.json() as Session;

    const reused = await refresh(session.refreshToken);
    expect(reused.statusCode).toBe(401);
    expect(reused.json()).toMatchObject({ code: 'refresh-token-reused' });
    // Every token of the family is dead now, including the newest one.
    const after = await refresh(pair2.refreshToken);
    expect(after.statusCode).toBe(401);
    expect(after.json()).toMatchObject({ code: 'refresh-token-revoked' });
    const family = await harness.database.db
      .selectFrom('refresh_families')
      .selectAll()
      .where('user_id', '=', session.user.id)
      .executeTakeFirstOrThrow();
    expect(family.revoke_reason).toBe('reuse');
  });

  it('two concurrent uses of one token: exactly one rotates, the other is a reuse that kills the family', async () => {
    const { session } = await register(harness, uniqueUsername('Race'));
    const results = await Promise.all([refresh(session.refreshToken), refresh(session.refreshToken)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 401]);
    const winner = results.find((r) => r.statusCode === 200)?.json() as Session;
    expect((await refresh(winner.refreshToken)).statusCode).toBe(401);
  });

  it('an unknown token is 401 invalid-refresh-token; an expired one is 401 refresh-token-expired', async () => {
    const unknown = await refresh('A'.repeat(43));
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json()).toMatchObject({ code: 'invalid-refresh-token' });

    const { session } = await register(harness, uniqueUsername('Exp'));
    await harness.database.db
      .updateTable('refresh_tokens')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('family_id', 'in', (eb) =>
        eb.selectFrom('refresh_families').select('id').where('user_id', '=', session.user.id),
      )
      .execute();
    const expired = await refresh(session.refreshToken);
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toMatchObject({ code: 'refresh-token-expired' });
  });

  it('stores only SHA-256 digests of refresh tokens', async () => {
    const { session } = await register(harness, uniqueUsername('Dig'));
    const rows = await harness.database.db.selectFrom('refresh_tokens').select('token_hash').execute();
    const plain = Buffer.from(session.refreshToken);
    expect(rows.every((row) => row.token_hash.length === 32 && !Buffer.from(row.token_hash).equals(plain))).toBe(true);
  });
});

describe('logout', () => {
  it('204, idempotent, and the family cannot be refreshed any more', async () => {
    const { session } = await register(harness, uniqueUsername('Out'));
    const rotated = (await refresh(session.refreshToken)).json() as Session;
    expect((await logout(rotated.refreshToken)).statusCode).toBe(204);
    expect((await logout(rotated.refreshToken)).statusCode).toBe(204);
    expect((await logout('B'.repeat(43))).statusCode).toBe(204);
    const after = await refresh(rotated.refreshToken);
    expect(after.statusCode).toBe(401);
    expect(after.json()).toMatchObject({ code: 'refresh-token-revoked' });
  });
});

describe('password change', () => {
  it('needs the current password; stores the new hash; revokes every other session but keeps the caller’s', async () => {
    const username = uniqueUsername('Pw');
    const { session: mine } = await register(harness, username, 'old password 1');
    const other = (await login(harness, username, 'old password 1')).json() as Session;

    const wrong = await changePassword(mine.accessToken, 'not it at all', 'new password 2');
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json()).toMatchObject({ code: 'wrong-password' });

    expect((await changePassword(mine.accessToken, 'old password 1', 'new password 2')).statusCode).toBe(204);
    expect((await login(harness, username, 'old password 1')).statusCode).toBe(401);
    expect((await login(harness, username, 'new password 2')).statusCode).toBe(200);
    expect((await refresh(other.refreshToken)).statusCode).toBe(401);
    expect((await refresh(mine.refreshToken)).statusCode).toBe(200);
  });

  it('refuses an access token whose session was logged out (401 session-revoked)', async () => {
    const { session } = await register(harness, uniqueUsername('PwOut'), 'old password 1');
    await logout(session.refreshToken);
    const response = await changePassword(session.accessToken, 'old password 1', 'new password 2');
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'session-revoked' });
  });

  it('without a token: 401 unauthenticated', async () => {
    const response = await harness.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      payload: { currentPassword: 'whatever1', newPassword: 'whatever2' },
    });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'unauthenticated' });
  });
});
