// GET /api/v1/search/users on real PostgreSQL and on PGlite, the same suite against both: ranking
// (exact username, username prefixes, display-name prefixes), case-insensitivity, LIKE wildcards taken
// literally, deduplication, limits, validation, authentication, and the query plan (index range scans
// stopped by LIMIT, never a sequential scan, with 20,000 users).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { App } from '@scalegram/kit/app';
import { createMemoryStore } from '@scalegram/kv/memory-store';
import { openDatabase } from '@scalegram/relational/open-database';
import type { RelationalDatabase } from '@scalegram/relational/port';
import { startTokenIssuer, type TokenIssuer } from '@scalegram/test-support/token-issuer';
import { sql } from 'kysely';
import { buildUserApp } from '../src/app.ts';
import { migrateUserDatabase } from '../src/store/migrate-user-database.ts';
import type { UserDatabase } from '../src/store/schema.ts';
import { userSearchQuery } from '../src/store/user-search-repository.ts';
import { bearer, newUserId, startHarness } from './support/user-harness.ts';

interface Backend {
  app: App;
  database: RelationalDatabase<UserDatabase>;
  tokens: TokenIssuer;
  close(): Promise<void>;
}

const backends: [string, () => Promise<Backend>][] = [
  [
    'PostgreSQL',
    async () => {
      const harness = await startHarness();
      return { app: harness.app, database: harness.db.database, tokens: harness.tokens, close: () => harness.close() };
    },
  ],
  [
    'PGlite',
    async () => {
      const tokens = await startTokenIssuer();
      const database = await openDatabase<UserDatabase>({ url: undefined });
      await migrateUserDatabase(database);
      const kv = createMemoryStore();
      const app = buildUserApp({
        database,
        kv,
        userVerifier: tokens.userVerifier,
        serviceVerifier: tokens.serviceVerifier,
        profileCacheTtlMs: 10_000,
        logLevel: 'silent',
      });
      await app.ready();
      return {
        app,
        database,
        tokens,
        async close() {
          await app.close();
          await kv.close();
          await database.close();
          await tokens.close();
        },
      };
    },
  ],
];

// username → display name. Chosen so that each rank, the ordering inside it, deduplication and the
// wildcard characters are all visible in a few queries.
const PEOPLE: [string, string][] = [
  ['alicia', 'Alicia Keys'],
  ['ali', 'Zed'],
  ['Alice', 'Alice Liddell'],
  ['bob', 'Alien Bob'],
  ['dave', 'ali baba'],
  ['al_x', 'Someone'],
  ['alxander', 'Another'],
  ['carol', 'Émile Zola'],
  ['percent', '100% Real'],
];

describe.each(backends)('user search on %s', (_name, start) => {
  let backend: Backend;
  let headers: { authorization: string };
  const ids = new Map<string, string>();

  beforeAll(async () => {
    backend = await start();
    const writer = bearer(await backend.tokens.serviceToken('users:write'));
    for (const [username, displayName] of PEOPLE) {
      const id = await newUserId();
      const response = await backend.app.inject({
        method: 'PUT',
        url: `/internal/users/${id}`,
        headers: writer,
        payload: { username, displayName },
      });
      expect(response.statusCode).toBe(201);
      ids.set(username, id);
    }
    headers = bearer(await backend.tokens.userToken(ids.get('bob') as string));
  }, 180_000);

  afterAll(async () => {
    await backend.close();
  });

  const search = async (query: string) => {
    const response = await backend.app.inject({ method: 'GET', url: `/api/v1/search/users?${query}`, headers });
    expect([query, response.statusCode]).toEqual([query, 200]);
    return (response.json() as { items: { username: string }[] }).items.map((item) => item.username);
  };

  it('ranks the exact username first, then username prefixes, then display-name prefixes', async () => {
    // ali (exact) · Alice, alicia (username prefix, alphabetical) · dave "ali baba", bob "Alien Bob".
    // Alice and alicia also match by display name; each appears once, at its best rank.
    expect(await search('q=ali')).toEqual(['ali', 'Alice', 'alicia', 'dave', 'bob']);
    expect(await search('q=al')).toEqual(['al_x', 'ali', 'Alice', 'alicia', 'alxander', 'dave', 'bob']);
  });

  it('answers full summaries', async () => {
    const response = await backend.app.inject({ method: 'GET', url: '/api/v1/search/users?q=carol', headers });
    expect(response.json()).toEqual({
      items: [{ id: ids.get('carol'), username: 'carol', displayName: 'Émile Zola', avatarMediaId: null }],
    });
  });

  it('ignores case, surrounding spaces and a leading @, and folds non-ASCII display names', async () => {
    const expected = ['ali', 'Alice', 'alicia', 'dave', 'bob'];
    for (const q of ['ALI', 'aLi', '%40Ali', '%20%20ali%20']) expect(await search(`q=${q}`)).toEqual(expected);
    expect(await search('q=ALICE')).toEqual(['Alice']);
    expect(await search(`q=${encodeURIComponent('émile')}`)).toEqual(['carol']);
    expect(await search(`q=${encodeURIComponent('ÉMI')}`)).toEqual(['carol']);
  });

  it('takes LIKE wildcards literally', async () => {
    expect(await search('q=al_')).toEqual(['al_x']);
    expect(await search('q=a_i')).toEqual([]);
    expect(await search(`q=${encodeURIComponent('%')}`)).toEqual([]);
    expect(await search(`q=${encodeURIComponent('100%')}`)).toEqual(['percent']);
    expect(await search(`q=${encodeURIComponent('\\')}`)).toEqual([]);
  });

  it('honours the limit (default 20), keeping the best matches', async () => {
    expect(await search('q=ali&limit=1')).toEqual(['ali']);
    expect(await search('q=ali&limit=2')).toEqual(['ali', 'Alice']);
    expect(await search('q=ali&limit=4')).toEqual(['ali', 'Alice', 'alicia', 'dave']);
    // "a": five usernames, then two display names (alxander's "Another" is already in at rank 1).
    expect(await search('q=a')).toEqual(['al_x', 'ali', 'Alice', 'alicia', 'alxander', 'dave', 'bob']);
    expect(await search('q=a&limit=6')).toEqual(['al_x', 'ali', 'Alice', 'alicia', 'alxander', 'dave']);
    expect(await search('q=zzz')).toEqual([]);
    expect(await search('q=%40')).toEqual([]);
    expect(await search('q=%20')).toEqual([]);
  });

  it('sees a display-name change at once (no cache on this path)', async () => {
    const id = ids.get('alxander') as string;
    const owner = bearer(await backend.tokens.userToken(id));
    const patch = await backend.app.inject({
      method: 'PATCH',
      url: '/api/v1/users/me',
      headers: owner,
      payload: { displayName: 'Quentin' },
    });
    expect(patch.statusCode).toBe(200);
    expect(await search('q=quen')).toEqual(['alxander']);
    expect(await search('q=anoth')).toEqual([]);
  });

  it('answers 400 to bad input and 401 without a user token, never 5xx', async () => {
    const bad = [
      '',
      'q=',
      `q=${'a'.repeat(65)}`,
      'q=a&limit=0',
      'q=a&limit=51',
      'q=a&limit=1.5',
      'q=a&limit=x',
      'q=a%00b',
      'q=%1F',
      'q=a&extra=1',
    ];
    for (const query of bad) {
      const response = await backend.app.inject({ method: 'GET', url: `/api/v1/search/users?${query}`, headers });
      expect([query, response.statusCode, response.headers['content-type']]).toEqual([
        query,
        400,
        expect.stringContaining('application/problem+json'),
      ]);
    }
    // Odd but valid text is searched, not refused or crashed on.
    for (const query of [
      'q=%ED%A0%80',
      `q=${encodeURIComponent('🙂')}`,
      `q=${encodeURIComponent("'; drop table users; --")}`,
    ]) {
      const response = await backend.app.inject({ method: 'GET', url: `/api/v1/search/users?${query}`, headers });
      expect([query, response.statusCode]).toEqual([query, 200]);
    }
    const anonymous = await backend.app.inject({ method: 'GET', url: '/api/v1/search/users?q=ali' });
    expect(anonymous.statusCode).toBe(401);
    const service = await backend.app.inject({
      method: 'GET',
      url: '/api/v1/search/users?q=ali',
      headers: bearer(await backend.tokens.serviceToken('users:read')),
    });
    expect(service.statusCode).toBe(401);
  });

  it('reads index ranges stopped by LIMIT, never the whole table (20,000 users)', async () => {
    const db = backend.database.db;
    await sql`insert into users (id, username, display_name)
      select 8000000000000000000 + g, 'user_' || md5(g::text), 'Name ' || md5((g * 7)::text)
      from generate_series(1, 20000) g`.execute(db);
    try {
      await sql`analyze users`.execute(db);
      const plan = await sql<{ 'QUERY PLAN': string }>`explain ${userSearchQuery('User_a', 20)}`.execute(db);
      const text = plan.rows.map((row) => row['QUERY PLAN']).join('\n');
      expect(text).toContain('Index Scan using users_username_lower_key');
      expect(text).toMatch(/Limit[^\n]*\n\s*->\s+Index Scan using users_username_prefix/);
      expect(text).toMatch(/Limit[^\n]*\n\s*->\s+Index Scan using users_display_name_prefix/);
      expect(text).not.toContain('Seq Scan');
      // The prefix became an index range, the `_` stayed literal in the filter.
      expect(text).toContain(">= 'user_a'");
      expect(text).toContain("'user\\_a%'");
    } finally {
      await sql`delete from users where id > 8000000000000000000`.execute(db);
    }
  });

  it('is in the OpenAPI document', async () => {
    const document = (await backend.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { parameters?: { name: string }[] }>>;
    };
    const names = document.paths['/api/v1/search/users']?.get?.parameters?.map((parameter) => parameter.name);
    expect(names).toEqual(expect.arrayContaining(['q', 'limit']));
  });
});
