// Every endpoint fed bad input answers 4xx problem+json — never 5xx — and writes nothing.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { bearer, type Harness, startHarness } from './support/user-harness.ts';

let h: Harness;
let alice: Awaited<ReturnType<Harness['register']>>;
let bob: Awaited<ReturnType<Harness['register']>>;
let serviceToken: string;

beforeAll(async () => {
  h = await startHarness();
  alice = await h.register();
  bob = await h.register();
  serviceToken = await h.tokens.serviceToken('users:write');
});

afterAll(async () => {
  await h.close();
});

/** Everything a write could touch: rows, counters, profile fields and the outbox. */
async function snapshot() {
  const { rows } = await sql<{ state: string }>`
    select (select json_agg(u order by id) from users u)::text
        || (select count(*) from follows)::text
        || (select count(*) from outbox)::text as state`.execute(h.db.database.db);
  return rows[0]?.state;
}

const TOO_LONG = 'x'.repeat(161);
const HUGE = JSON.stringify({ displayName: 'a', bio: 'b'.repeat(64 * 1024) });
const BIG_ID = '9999999999999999999'; // 19 digits, beyond 2^63 - 1: a Postgres bigint cannot hold it

interface Case {
  name: string;
  method: 'GET' | 'PUT' | 'PATCH' | 'POST' | 'DELETE';
  url: string;
  body?: string;
  contentType?: string;
  auth: 'user' | 'service';
  status: number;
}

function bodyCases(method: Case['method'], url: string, auth: Case['auth'], valid: Record<string, unknown>): Case[] {
  const json = (value: unknown) => JSON.stringify(value);
  return [
    { name: 'malformed JSON', body: '{"displayName": ', status: 400 },
    { name: 'a JSON array', body: '[]', status: 400 },
    { name: 'JSON null', body: 'null', status: 400 },
    { name: 'an empty body', body: '', status: 400 },
    { name: 'an extra field', body: json({ ...valid, isAdmin: true }), status: 400 },
    { name: 'a prototype-pollution key', body: '{"__proto__": {"x": 1}, "constructor": 1}', status: 400 },
    { name: 'an oversized body', body: HUGE, status: 413 },
    {
      name: 'a non-JSON content type',
      body: 'displayName=x',
      contentType: 'application/x-www-form-urlencoded',
      status: 415,
    },
  ].map((c) => ({ ...c, method, url, auth, name: `${method} ${url}: ${c.name}` }));
}

function cases(): Case[] {
  const json = (value: unknown) => JSON.stringify(value);
  const me = '/api/v1/users/me';
  const internal = `/internal/users/${BIG_ID.slice(0, 18)}`;
  const batch = '/internal/users/batch';
  const list: Case[] = [
    ...bodyCases('PATCH', me, 'user', { bio: 'ok' }),
    ...[
      {},
      { displayName: 42 },
      { displayName: '' },
      { displayName: 'x'.repeat(51) },
      { bio: TOO_LONG },
      { bio: ['a'] },
      { avatarMediaId: 'not-an-id' },
      { avatarMediaId: 12 },
      { avatarMediaId: BIG_ID },
      { avatarMediaId: '0123' },
      // The text rules (ADR 0042): Postgres cannot store U+0000; the outbox's jsonb refuses lone surrogates.
      { displayName: 'a\u0000b' },
      { bio: 'a\u0000b' },
      { displayName: 'a\ud800' },
      { bio: '\udc00' },
      { displayName: 'two\nlines' },
      { displayName: '\u001b[31mred' },
      { displayName: 'evil\u202egpj.exe' },
      { bio: '\u2066isolated\u2069' },
      { bio: 'next\u0085line' },
    ].map((body) => ({
      name: `PATCH me ${json(body)}`,
      method: 'PATCH' as const,
      url: me,
      body: json(body),
      auth: 'user' as const,
      status: 400,
    })),
    ...bodyCases('PUT', internal, 'service', { username: 'valid_name' }),
    ...[
      {},
      { username: 'ab' },
      { username: 'x'.repeat(31) },
      { username: 'bad-name!' },
      { username: 123456 },
      { username: 'fine_name', displayName: '' },
      { username: 'fine_name', displayName: 'x'.repeat(51) },
      { username: 'fine_name', displayName: 'a\u0000b' },
      { username: 'fine_name', displayName: '\ud800' },
    ].map((body) => ({
      name: `PUT internal ${json(body)}`,
      method: 'PUT' as const,
      url: internal,
      body: json(body),
      auth: 'service' as const,
      status: 400,
    })),
    {
      name: 'PUT internal with an id beyond bigint',
      method: 'PUT',
      url: `/internal/users/${BIG_ID}`,
      body: json({ username: 'big_id_user' }),
      auth: 'service',
      status: 400,
    },
    {
      name: 'PUT internal with a non-numeric id',
      method: 'PUT',
      url: '/internal/users/abc',
      body: json({ username: 'abc_user' }),
      auth: 'service',
      status: 400,
    },
    ...bodyCases('POST', batch, 'service', { ids: ['1'] }),
    ...[
      {},
      { ids: [] },
      { ids: ['1', '1'] },
      { ids: ['x'] },
      { ids: [1] },
      { ids: Array.from({ length: 101 }, (_, i) => String(i + 1)) },
      { ids: '1' },
    ].map((body) => ({
      name: `POST batch ${json(body).slice(0, 40)}`,
      method: 'POST' as const,
      url: batch,
      body: json(body),
      auth: 'service' as const,
      status: 400,
    })),
    ...['abc', '-1', '1.5', '01', '12345678901234567890'].flatMap((id) => [
      {
        name: `GET profile ${id}`,
        method: 'GET' as const,
        url: `/api/v1/users/${id}`,
        auth: 'user' as const,
        status: 400,
      },
      {
        name: `PUT follow ${id}`,
        method: 'PUT' as const,
        url: `/api/v1/users/${id}/follow`,
        auth: 'user' as const,
        status: 400,
      },
      {
        name: `DELETE follow ${id}`,
        method: 'DELETE' as const,
        url: `/api/v1/users/${id}/follow`,
        auth: 'user' as const,
        status: 400,
      },
      {
        name: `DELETE internal ${id}`,
        method: 'DELETE' as const,
        url: `/internal/users/${id}`,
        auth: 'service' as const,
        status: 400,
      },
    ]),
    ...['ab', 'x'.repeat(31), 'bad-name', 'ünï'].map((username) => ({
      name: `GET by-username ${username}`,
      method: 'GET' as const,
      url: `/api/v1/users/by-username/${encodeURIComponent(username)}`,
      auth: 'user' as const,
      status: 400,
    })),
    ...['limit=0', 'limit=101', 'limit=abc', 'limit=1.5', `cursor=${'a'.repeat(513)}`, 'cursor=%2B%2B', 'extra=1'].map(
      (query) => ({
        name: `GET followers ?${query.slice(0, 20)}`,
        method: 'GET' as const,
        url: `/api/v1/users/${bob.id}/followers?${query}`,
        auth: 'user' as const,
        status: 400,
      }),
    ),
    // Ids beyond 2^63 - 1 cannot exist: the schema refuses them (400), they never reach the database.
    { name: 'GET profile beyond bigint', method: 'GET', url: `/api/v1/users/${BIG_ID}`, auth: 'user', status: 400 },
    {
      name: 'PUT follow beyond bigint',
      method: 'PUT',
      url: `/api/v1/users/${BIG_ID}/follow`,
      auth: 'user',
      status: 400,
    },
    {
      name: 'GET following beyond bigint',
      method: 'GET',
      url: `/api/v1/users/${BIG_ID}/following?cursor=eyJ0IjoxLCJ1IjoiMSJ9`,
      auth: 'user',
      status: 400,
    },
    ...[
      { t: -8.64e15, u: '1' },
      { t: 1, u: BIG_ID },
      { t: 1.5, u: '1' },
      { t: 1, u: 'a\u0000' },
    ].map((position) => ({
      name: `GET following with a forged cursor ${JSON.stringify(position)}`,
      method: 'GET' as const,
      url: `/api/v1/users/${bob.id}/following?cursor=${Buffer.from(JSON.stringify(position)).toString('base64url')}`,
      auth: 'user' as const,
      status: 400,
    })),
    {
      name: 'POST batch with an id beyond bigint',
      method: 'POST',
      url: '/internal/users/batch',
      body: JSON.stringify({ ids: [BIG_ID, '1'] }),
      auth: 'service',
      status: 400,
    },
  ];
  return list;
}

describe('bad input', () => {
  it('every malformed request gets its 4xx problem+json and changes nothing', async () => {
    const before = await snapshot();
    const userToken = alice.token;
    const failures: string[] = [];
    for (const c of cases()) {
      const response = await h.app.inject({
        method: c.method,
        url: c.url,
        headers: {
          ...bearer(c.auth === 'user' ? userToken : serviceToken),
          ...(c.body === undefined ? {} : { 'content-type': c.contentType ?? 'application/json' }),
        },
        ...(c.body === undefined ? {} : { payload: c.body }),
      });
      const problem = response.headers['content-type']?.toString().startsWith('application/problem+json');
      if (response.statusCode !== c.status || !problem) {
        failures.push(`${c.name}: ${response.statusCode} ${response.body.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await snapshot()).toBe(before);
  });

  it('a batch with ids that do not exist simply leaves them out', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/internal/users/batch',
      headers: bearer(serviceToken),
      payload: { ids: [bob.id, '1', alice.id] },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().items.map((item: { id: string }) => item.id)).toEqual([bob.id, alice.id]);
  });
});
