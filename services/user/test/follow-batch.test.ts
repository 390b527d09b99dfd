// POST /internal/follows/batch and /internal/users/bulk against both relational adapters (PostgreSQL and
// PGlite): the same rows, counters and outbox events as the single routes, all or nothing, service token only.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { App } from '@scalegram/kit/app';
import { openKeyValueStore } from '@scalegram/kv/open-store';
import { openDatabase } from '@scalegram/relational/open-database';
import type { RelationalDatabase } from '@scalegram/relational/port';
import { startTokenIssuer, type TokenIssuer } from '@scalegram/test-support/token-issuer';
import { buildUserApp } from '../src/app.ts';
import { MAX_FOLLOW_BATCH } from '../src/routes/internal-follow-batch-routes.ts';
import { migrateUserDatabase } from '../src/store/migrate-user-database.ts';
import type { UserDatabase } from '../src/store/schema.ts';
import { createTestDatabase } from './support/test-database.ts';
import { bearer, newUserId, uniqueName } from './support/user-harness.ts';

interface Setup {
  app: App;
  database: RelationalDatabase<UserDatabase>;
  close(): Promise<void>;
}

async function postgresSetup(tokens: TokenIssuer): Promise<Setup> {
  const db = await createTestDatabase();
  const kv = await openKeyValueStore({ url: undefined, keyPrefix: 'user:' });
  const app = buildUserApp({ database: db.database, kv, ...verifiers(tokens) });
  await app.ready();
  const close = async () => {
    await app.close();
    await kv.close();
    await db.drop();
  };
  return { app, database: db.database, close };
}

async function pgliteSetup(tokens: TokenIssuer): Promise<Setup> {
  const database = await openDatabase<UserDatabase>({ url: undefined });
  await migrateUserDatabase(database);
  const kv = await openKeyValueStore({ url: undefined, keyPrefix: 'user:' });
  const app = buildUserApp({ database, kv, ...verifiers(tokens) });
  await app.ready();
  const close = async () => {
    await app.close();
    await kv.close();
    await database.close();
  };
  return { app, database, close };
}

const verifiers = (tokens: TokenIssuer) => ({
  userVerifier: tokens.userVerifier,
  serviceVerifier: tokens.serviceVerifier,
  profileCacheTtlMs: 10_000,
  logLevel: 'silent' as const,
});

describe.each([
  ['PostgreSQL', postgresSetup],
  ['PGlite', pgliteSetup],
])('POST /internal/follows/batch on %s', (_name, setup) => {
  let tokens: TokenIssuer;
  let s: Setup;
  let token: string;

  beforeAll(async () => {
    tokens = await startTokenIssuer();
    s = await setup(tokens);
    token = await tokens.serviceToken('follows:write', { client: 'seed' });
  }, 60_000);

  afterAll(async () => {
    await s.close();
    await tokens.close();
  });

  async function createUsers(n: number): Promise<string[]> {
    const writer = await tokens.serviceToken('users:write');
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const id = await newUserId();
      const response = await s.app.inject({
        method: 'PUT',
        url: `/internal/users/${id}`,
        headers: bearer(writer),
        payload: { username: uniqueName('fb') },
      });
      expect(response.statusCode).toBe(201);
      ids.push(id);
    }
    return ids;
  }

  const batch = (follows: unknown, auth = token) =>
    s.app.inject({
      method: 'POST',
      url: '/internal/follows/batch',
      headers: bearer(auth),
      payload: { follows } as object,
    });

  async function stateOf(ids: readonly string[]) {
    const db = s.database.db;
    const users = await db
      .selectFrom('users')
      .select(['id', 'follower_count', 'following_count'])
      .where('id', 'in', ids)
      .orderBy('id')
      .execute();
    const edges = await db
      .selectFrom('follows')
      .select(['follower_id', 'followee_id'])
      .where('follower_id', 'in', ids)
      .orderBy('follower_id')
      .orderBy('followee_id')
      .execute();
    const outbox = await db
      .selectFrom('outbox')
      .select(['subject', 'aggregate', 'event'])
      .where('aggregate', 'in', ids)
      .where('subject', '=', 'user.followed')
      .execute();
    const events = outbox
      .map((row) => {
        const event = row.event as {
          type: string;
          source: string;
          data: { followerId: string; followeeId: string };
        };
        return {
          subject: row.subject,
          aggregate: row.aggregate,
          type: event.type,
          source: event.source,
          followerId: event.data.followerId,
          followeeId: event.data.followeeId,
        };
      })
      .sort((a, b) => `${a.followerId}${a.followeeId}`.localeCompare(`${b.followerId}${b.followeeId}`));
    return { users, edges, events };
  }

  /** The state written by the same edges through the public route, on a parallel population. */
  it('writes the same rows, counters and events as the follows made one by one', async () => {
    const single = await createUsers(5);
    const bulk = await createUsers(5);
    const pairs: [number, number][] = [
      [0, 1],
      [1, 0],
      [0, 2],
      [3, 0],
      [4, 0],
      [2, 4],
      [1, 3],
    ];
    for (const [a, b] of pairs) {
      const response = await s.app.inject({
        method: 'PUT',
        url: `/api/v1/users/${single[b]}/follow`,
        headers: bearer(await tokens.userToken(single[a] as string)),
      });
      expect(response.statusCode).toBe(204);
    }
    const response = await batch(pairs.map(([a, b]) => ({ followerId: bulk[a], followeeId: bulk[b] })));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ created: pairs.length, existing: 0 });

    // Same shape once each population's ids are replaced by their position.
    const normalise = (ids: string[], state: Awaited<ReturnType<typeof stateOf>>) => {
      const at = (id: string) => ids.indexOf(String(id));
      return {
        users: state.users.map((u) => [at(u.id), String(u.follower_count), String(u.following_count)]).sort(),
        edges: state.edges.map((e) => [at(e.follower_id), at(e.followee_id)]).sort(),
        events: state.events
          .map((e) => [e.subject, at(e.aggregate), e.type, e.source, at(e.followerId ?? ''), at(e.followeeId ?? '')])
          .sort(),
      };
    };
    const expected = normalise(single, await stateOf(single));
    expect(expected.events).toHaveLength(pairs.length);
    expect(normalise(bulk, await stateOf(bulk))).toEqual(expected);

    // A replay (and a follow that already exists) changes nothing and emits nothing.
    const before = await stateOf(bulk);
    const replay = await batch(pairs.map(([a, b]) => ({ followerId: bulk[a], followeeId: bulk[b] })));
    expect(replay.json()).toEqual({ created: 0, existing: pairs.length });
    expect(await stateOf(bulk)).toEqual(before);
  });

  it('refuses the whole batch for an unknown user (404) or a self-follow (400), writing nothing', async () => {
    const ids = await createUsers(3);
    const before = await stateOf(ids);
    const unknown = await batch([
      { followerId: ids[0], followeeId: ids[1] },
      { followerId: ids[1], followeeId: await newUserId() },
    ]);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(unknown.json().code).toBe('user-not-found');
    const self = await batch([
      { followerId: ids[0], followeeId: ids[1] },
      { followerId: ids[2], followeeId: ids[2] },
    ]);
    expect(self.statusCode).toBe(400);
    expect(self.json().code).toBe('cannot-follow-self');
    expect(await stateOf(ids)).toEqual(before);
  });

  it('validates the body: empty, too many, extra fields, ids beyond 64 bits', async () => {
    const [a, b] = await createUsers(2);
    const edge = { followerId: a, followeeId: b };
    for (const follows of [
      [],
      Array.from({ length: MAX_FOLLOW_BATCH + 1 }, () => edge),
      [{ ...edge, extra: 1 }],
      [{ followerId: a, followeeId: '9999999999999999999' }],
    ]) {
      const response = await batch(follows);
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect((await stateOf([a as string, b as string])).edges).toEqual([]);
  });

  it('POST /internal/users/bulk creates the profiles and user.registered events PUT /internal/users/:id does', async () => {
    const writer = await tokens.serviceToken('users:write');
    const bulk = (users: unknown[], auth = writer) =>
      s.app.inject({ method: 'POST', url: '/internal/users/bulk', headers: bearer(auth), payload: { users } });
    const single = { id: await newUserId(), username: uniqueName('Single'), displayName: 'One Person' };
    const many = [
      { id: await newUserId(), username: uniqueName('Many'), displayName: 'One Person' },
      { id: await newUserId(), username: uniqueName('many') },
    ];
    const put = await s.app.inject({
      method: 'PUT',
      url: `/internal/users/${single.id}`,
      headers: bearer(writer),
      payload: { username: single.username, displayName: single.displayName },
    });
    expect(put.statusCode).toBe(201);
    const created = await bulk(many);
    expect(created.statusCode).toBe(200);
    const items = created.json().items as { id: string; username: string; displayName: string }[];
    expect(items.map((item) => [item.id, item.username])).toEqual(many.map((user) => [user.id, user.username]));
    // Same shape as the single route's answer, and the same event per profile.
    const shape = (profile: Record<string, unknown>) => Object.keys(profile).sort();
    expect(shape(items[0] as never)).toEqual(shape(put.json()));
    expect(items[0]?.displayName).toBe('One Person');
    const events = await s.database.db
      .selectFrom('outbox')
      .select(['subject', 'aggregate', 'event'])
      .where('aggregate', 'in', [single.id, ...many.map((user) => user.id)])
      .execute();
    const normalised = events.map((row) => {
      const event = row.event as { type: string; source: string; data: Record<string, string> };
      return [row.subject, event.type, event.source, Object.keys(event.data).sort().join(',')].join('|');
    });
    expect(normalised).toHaveLength(3);
    expect(new Set(normalised).size).toBe(1);

    // A replay answers the same profiles and emits nothing more; a taken username refuses the batch.
    expect((await bulk(many)).json().items).toEqual(items);
    const fresh = { id: await newUserId(), username: uniqueName('fresh') };
    const clash = await bulk([fresh, { id: await newUserId(), username: single.username.toUpperCase() }]);
    expect(clash.statusCode).toBe(409);
    expect(clash.json().code).toBe('username-taken');
    const after = await s.database.db.selectFrom('users').select('id').where('id', 'in', [fresh.id]).execute();
    expect(after).toEqual([]);
    expect(
      (
        await s.database.db
          .selectFrom('outbox')
          .select('aggregate')
          .where('aggregate', 'in', [single.id, ...many.map((u) => u.id)])
          .execute()
      ).length,
    ).toBe(3);
    expect((await bulk([fresh], token)).statusCode).toBe(403);
    expect((await bulk([])).statusCode).toBe(400);
  });

  it('answers only a service token with scope follows:write (401 without, 401 for a user token, 403 other scope)', async () => {
    const [a, b] = await createUsers(2);
    const edge = [{ followerId: a, followeeId: b }];
    const anonymous = await s.app.inject({
      method: 'POST',
      url: '/internal/follows/batch',
      payload: { follows: edge },
    });
    expect(anonymous.statusCode).toBe(401);
    expect((await batch(edge, await tokens.userToken(a as string))).statusCode).toBe(401);
    expect((await batch(edge, await tokens.serviceToken('users:write'))).statusCode).toBe(403);
    expect((await stateOf([a as string, b as string])).edges).toEqual([]);
  });
});
