// Hostile and broken input on every route: always a 4xx problem+json, never a 5xx, nothing written
// (row counts in auth's database and calls to the user service unchanged).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthHarness, register, type Session, startAuthHarness, uniqueUsername } from './support/auth-harness.ts';
import { rowCounts } from './support/test-database.ts';

let harness: AuthHarness;
let session: Session;
beforeAll(async () => {
  harness = await startAuthHarness();
  session = (await register(harness, uniqueUsername('Valid'))).session;
});
afterAll(async () => {
  await harness.close();
});

const long = (n: number) => 'a'.repeat(n);
const token = 'A'.repeat(43);

interface Case {
  name: string;
  payload: string;
  contentType?: string;
}

const json = (value: unknown) => JSON.stringify(value);

const common = (valid: Record<string, unknown>): Case[] => [
  { name: 'malformed JSON', payload: '{"username": "abc",' },
  { name: 'empty body', payload: '' },
  { name: 'a JSON array', payload: '[]' },
  { name: 'null', payload: 'null' },
  { name: 'an extra field', payload: json({ ...valid, isAdmin: true }) },
  { name: 'a body over the limit', payload: json({ ...valid, padding: long(20_000) }) },
  { name: 'form encoding', payload: 'username=abc', contentType: 'application/x-www-form-urlencoded' },
  ...Object.keys(valid).flatMap((field) => [
    { name: `missing ${field}`, payload: json({ ...valid, [field]: undefined }) },
    { name: `${field} as a number`, payload: json({ ...valid, [field]: 12345678 }) },
    { name: `${field} as an object`, payload: json({ ...valid, [field]: { $ne: null } }) },
    { name: `${field} over-long`, payload: json({ ...valid, [field]: long(5000) }) },
  ]),
];

const routes: { url: string; auth?: boolean; cases: Case[] }[] = [
  {
    url: '/api/v1/auth/register',
    cases: [
      ...common({ username: 'newuser_x', password: 'long enough password' }),
      { name: 'password too short', payload: json({ username: 'newuser_y', password: 'short' }) },
      { name: 'password of 129 characters', payload: json({ username: 'newuser_y', password: long(129) }) },
      { name: 'username with a space', payload: json({ username: 'new user', password: 'long enough password' }) },
      { name: 'username too short', payload: json({ username: 'ab', password: 'long enough password' }) },
      { name: 'empty displayName', payload: json({ username: 'newuser_z', password: 'long enough', displayName: '' }) },
      // The text rules (ADR 0042): refused here, before the saga reaches the user service's database.
      {
        name: 'displayName with U+0000',
        payload: json({ username: 'newuser_n', password: 'long enough password', displayName: 'a\u0000b' }),
      },
      {
        name: 'displayName with a lone surrogate',
        payload: json({ username: 'newuser_s', password: 'long enough password', displayName: 'a\ud800' }),
      },
      {
        name: 'displayName with a right-to-left override',
        payload: json({ username: 'newuser_r', password: 'long enough password', displayName: '\u202eadmin' }),
      },
    ],
  },
  { url: '/api/v1/auth/login', cases: common({ username: 'someone', password: 'whatever' }) },
  {
    url: '/api/v1/auth/refresh',
    cases: [...common({ refreshToken: token }), { name: 'a short token', payload: json({ refreshToken: 'abc' }) }],
  },
  {
    url: '/api/v1/auth/logout',
    cases: [
      ...common({ refreshToken: token }),
      { name: 'a token with dots', payload: json({ refreshToken: `${'a.'.repeat(21)}a` }) },
    ],
  },
  {
    url: '/api/v1/auth/password',
    auth: true,
    cases: [
      ...common({ currentPassword: 'correct horse battery', newPassword: 'another good one' }),
      {
        name: 'new password too short',
        payload: json({ currentPassword: 'correct horse battery', newPassword: 'short' }),
      },
    ],
  },
];

describe('input validation', () => {
  for (const route of routes) {
    it(`${route.url}: every malformed request is a 4xx problem and writes nothing`, async () => {
      const before = await rowCounts(harness.database);
      const calls = harness.users.calls.length;
      for (const testCase of route.cases) {
        const response = await harness.app.inject({
          method: 'POST',
          url: route.url,
          headers: {
            'content-type': testCase.contentType ?? 'application/json',
            ...(route.auth ? { authorization: `Bearer ${session.accessToken}` } : {}),
          },
          payload: testCase.payload,
        });
        const label = `${route.url} with ${testCase.name}`;
        expect([label, response.statusCode >= 400 && response.statusCode < 500]).toEqual([label, true]);
        expect([label, response.headers['content-type']]).toEqual([
          label,
          expect.stringContaining('application/problem+json'),
        ]);
        expect(response.json()).toMatchObject({ status: response.statusCode, code: expect.any(String) });
      }
      expect(await rowCounts(harness.database)).toEqual(before);
      expect(harness.users.calls.length).toBe(calls);
    });
  }

  it('answers 413 for an oversized body and 415 for a form body', async () => {
    const big = await harness.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: json({ username: 'abc', password: long(20_000) }),
    });
    expect(big.statusCode).toBe(413);
    const form = await harness.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'username=abc&password=x',
    });
    expect(form.statusCode).toBe(415);
  });

  it('publishes every route with its schema in the OpenAPI document', async () => {
    const document = (await harness.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    for (const path of ['register', 'login', 'refresh', 'logout', 'password']) {
      expect(Object.keys(document.paths[`/api/v1/auth/${path}`]?.post?.responses ?? {})).toContain('400');
    }
    expect(document.paths['/.well-known/jwks.json']?.get).toBeDefined();
  });
});
