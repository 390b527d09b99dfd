import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, type Harness, newUserId, startHarness, uniqueName } from './support/user-harness.ts';

let h: Harness;
let serviceToken: string;

beforeAll(async () => {
  h = await startHarness();
  serviceToken = await h.tokens.serviceToken('users:write');
});

afterAll(async () => {
  await h.close();
});

const put = (id: string, body: unknown, token = serviceToken) =>
  h.app.inject({ method: 'PUT', url: `/internal/users/${id}`, headers: bearer(token), payload: body as object });
const del = (id: string, token = serviceToken) =>
  h.app.inject({ method: 'DELETE', url: `/internal/users/${id}`, headers: bearer(token) });

async function outboxTypes(): Promise<string[]> {
  const rows = await h.db.database.db.selectFrom('outbox').select('event').orderBy('position').execute();
  return rows.map((row) => (row.event as { type: string }).type);
}

describe('PUT /internal/users/:id (registration saga step)', () => {
  it('creates (201 + Location), replays idempotently (200), and writes user.registered once', async () => {
    const id = await newUserId();
    const username = uniqueName('Reg');
    const before = (await outboxTypes()).length;
    const created = await put(id, { username, displayName: 'Reg Istered' });
    expect(created.statusCode).toBe(201);
    expect(created.headers.location).toBe(`/api/v1/users/${id}`);
    expect(created.json()).toMatchObject({ id, username, displayName: 'Reg Istered', followerCount: 0 });
    const replay = await put(id, { username, displayName: 'Reg Istered' });
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toEqual(created.json());
    const types = (await outboxTypes()).slice(before);
    expect(types).toEqual(['user.registered']);
    const [row] = await h.db.database.db
      .selectFrom('outbox')
      .select(['subject', 'aggregate', 'event'])
      .orderBy('position', 'desc')
      .limit(1)
      .execute();
    expect(row).toMatchObject({ subject: 'user.registered', aggregate: id });
    expect((row?.event as { data: unknown } | undefined)?.data).toEqual({
      userId: id,
      username,
      displayName: 'Reg Istered',
    });
    expect((row?.event as { source: string } | undefined)?.source).toBe('/services/user');
  });

  it('answers 409 username-taken for a case-insensitive clash and 409 user-id-conflict for a reused id', async () => {
    const first = await h.register(uniqueName('Case'));
    const clash = await put(await newUserId(), { username: first.username.toUpperCase() });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().code).toBe('username-taken');
    const reused = await put(first.id, { username: uniqueName('other') });
    expect(reused.statusCode).toBe(409);
    expect(reused.json().code).toBe('user-id-conflict');
  });

  it('decides concurrent duplicates consistently: same id: one 201 and replays; same username: one 201 and 409s', async () => {
    const id = await newUserId();
    const username = uniqueName('race');
    const responses = await Promise.all(Array.from({ length: 8 }, () => put(id, { username })));
    const statuses = responses.map((response) => response.statusCode).sort();
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.every((status) => status === 201 || status === 200)).toBe(true);
    // Different ids racing for one username (in different cases): one wins, the others are told why.
    const contested = uniqueName('Contested');
    const rivals = await Promise.all(
      [contested, contested.toLowerCase(), contested.toUpperCase(), contested].map(async (name) =>
        put(await newUserId(), { username: name }),
      ),
    );
    const outcomes = rivals.map((response) => (response.statusCode === 201 ? 201 : response.json().code)).sort();
    expect(outcomes).toEqual([201, 'username-taken', 'username-taken', 'username-taken']);
  });

  it('requires a service token with scope users:write', async () => {
    const id = await newUserId();
    const body = { username: uniqueName('scope') };
    const cases: [string | undefined, number, string][] = [
      [undefined, 401, 'unauthenticated'],
      [await h.tokens.userToken(id), 401, 'invalid-token'],
      [await h.tokens.serviceToken('users:read'), 403, 'insufficient-scope'],
      [await h.tokens.serviceToken('users:write', { subject: id }), 403, 'insufficient-scope'],
      [await h.tokens.foreignToken(id), 401, 'invalid-token'],
    ];
    for (const [token, status, code] of cases) {
      const response = await h.app.inject({
        method: 'PUT',
        url: `/internal/users/${id}`,
        headers: token === undefined ? {} : bearer(token),
        payload: body,
      });
      expect([response.statusCode, response.json().code]).toEqual([status, code]);
    }
    expect(await h.db.database.db.selectFrom('users').select('id').where('id', '=', id).execute()).toEqual([]);
  });
});

describe('DELETE /internal/users/:id (compensation)', () => {
  it('removes the profile and its follows, fixes the other side counts, emits user.deleted, and is idempotent', async () => {
    const [doomed, fan, idol] = [await h.register(), await h.register(), await h.register()];
    await h.app.inject({ method: 'PUT', url: `/api/v1/users/${doomed.id}/follow`, headers: bearer(fan.token) });
    await h.app.inject({ method: 'PUT', url: `/api/v1/users/${idol.id}/follow`, headers: bearer(doomed.token) });
    // Warm the cache for the survivors, so the test also proves their entries are invalidated.
    for (const user of [fan, idol]) await h.app.inject({ url: `/api/v1/users/${user.id}`, headers: bearer(fan.token) });

    expect((await del(doomed.id)).statusCode).toBe(204);
    expect((await del(doomed.id)).statusCode).toBe(204);
    expect((await outboxTypes()).filter((type) => type === 'user.deleted')).toHaveLength(1);

    const gone = await h.app.inject({ url: `/api/v1/users/${doomed.id}`, headers: bearer(fan.token) });
    expect(gone.statusCode).toBe(404);
    const byName = await h.app.inject({
      url: `/api/v1/users/by-username/${doomed.username}`,
      headers: bearer(fan.token),
    });
    expect(byName.statusCode).toBe(404);
    const fanNow = await h.app.inject({ url: `/api/v1/users/${fan.id}`, headers: bearer(fan.token) });
    const idolNow = await h.app.inject({ url: `/api/v1/users/${idol.id}`, headers: bearer(fan.token) });
    expect(fanNow.json()).toMatchObject({ followingCount: 0, followerCount: 0 });
    expect(idolNow.json()).toMatchObject({ followingCount: 0, followerCount: 0 });
    const edges = await h.db.database.db
      .selectFrom('follows')
      .selectAll()
      .where((eb) => eb.or([eb('follower_id', '=', doomed.id), eb('followee_id', '=', doomed.id)]))
      .execute();
    expect(edges).toEqual([]);
    // The username is free again.
    expect((await put(await newUserId(), { username: doomed.username })).statusCode).toBe(201);
  });

  it('answers 204 for an id that never existed and refuses user tokens', async () => {
    const ghost = await newUserId();
    expect((await del(ghost)).statusCode).toBe(204);
    const user = await h.register();
    expect((await del(user.id, user.token)).statusCode).toBe(401);
    expect((await del(user.id, await h.tokens.serviceToken('users:read'))).statusCode).toBe(403);
  });
});

describe('POST /internal/users/batch', () => {
  it('returns summaries in request order, leaving out unknown ids, for user and service tokens', async () => {
    const [a, b, c] = [await h.register(), await h.register(), await h.register()];
    const ids = [c.id, await newUserId(), a.id, b.id];
    for (const token of [serviceToken, a.token, await h.tokens.serviceToken('users:read')]) {
      const response = await h.app.inject({
        method: 'POST',
        url: '/internal/users/batch',
        headers: bearer(token),
        payload: { ids },
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        items: [c, a, b].map((user) => ({
          id: user.id,
          username: user.username,
          displayName: user.username,
          avatarMediaId: null,
        })),
      });
    }
  });

  it('refuses anonymous and forged callers', async () => {
    const anonymous = await h.app.inject({ method: 'POST', url: '/internal/users/batch', payload: { ids: ['1'] } });
    expect([anonymous.statusCode, anonymous.json().code]).toEqual([401, 'unauthenticated']);
    const forged = await h.app.inject({
      method: 'POST',
      url: '/internal/users/batch',
      headers: bearer(await h.tokens.foreignToken('1')),
      payload: { ids: ['1'] },
    });
    expect([forged.statusCode, forged.json().code]).toEqual([401, 'invalid-token']);
  });
});
