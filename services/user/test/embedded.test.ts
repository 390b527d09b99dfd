// Smoke test of the embedded mode: the same app on PGlite, the in-memory store and the in-process bus
// (what the one-command laptop runner uses), with the same migrations and the outbox relay.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Event } from '@scalegram/contracts/events';
import { USERS_STREAM } from '@scalegram/contracts/user-events';
import type { App } from '@scalegram/kit/app';
import { openKeyValueStore } from '@scalegram/kv/open-store';
import type { KeyValueStore } from '@scalegram/kv/port';
import { openBus } from '@scalegram/queue/open-bus';
import type { Consumer, MessageBus } from '@scalegram/queue/port';
import { openDatabase } from '@scalegram/relational/open-database';
import type { OutboxRelay } from '@scalegram/relational/outbox-relay';
import type { RelationalDatabase } from '@scalegram/relational/port';
import { startTokenIssuer, type TokenIssuer } from '@scalegram/test-support/token-issuer';
import { buildUserApp } from '../src/app.ts';
import { loadUserConfig } from '../src/config.ts';
import { startUserEventRelay } from '../src/events/user-event-relay.ts';
import { migrateUserDatabase } from '../src/store/migrate-user-database.ts';
import type { UserDatabase } from '../src/store/schema.ts';
import { bearer, newUserId } from './support/user-harness.ts';

let tokens: TokenIssuer;
let database: RelationalDatabase<UserDatabase>;
let kv: KeyValueStore;
let bus: MessageBus;
let relay: OutboxRelay;
let consumer: Consumer;
let app: App;
const events: Event[] = [];

beforeAll(async () => {
  tokens = await startTokenIssuer();
  // No URLs: the open* helpers pick the embedded adapters, as server.ts does without configuration.
  database = await openDatabase<UserDatabase>({ url: undefined });
  kv = await openKeyValueStore({ url: undefined, keyPrefix: 'user:' });
  bus = await openBus({ url: undefined, name: 'user' });
  await migrateUserDatabase(database);
  relay = await startUserEventRelay({ database, bus, pollIntervalMs: 50 });
  consumer = await bus.consume(
    { stream: USERS_STREAM.name, durable: 'smoke', ackWaitMs: 5_000, maxDeliver: 3 },
    (d) => {
      events.push(d.event);
    },
  );
  app = buildUserApp({
    database,
    kv,
    userVerifier: tokens.userVerifier,
    serviceVerifier: tokens.serviceVerifier,
    profileCacheTtlMs: 10_000,
    logLevel: 'silent',
  });
  await app.ready();
}, 60_000);

afterAll(async () => {
  await app.close();
  await consumer.stop();
  await relay.stop();
  await bus.close();
  await kv.close();
  await database.close();
  await tokens.close();
});

describe('embedded mode (PGlite, memory store, in-process bus)', () => {
  it('registers, follows, reads counts and lists, publishes events, and is ready', async () => {
    const service = bearer(await tokens.serviceToken('users:write'));
    const [a, b] = [await newUserId(), await newUserId()];
    for (const [id, username] of [
      [a, 'embedded_a'],
      [b, 'embedded_b'],
    ]) {
      const response = await app.inject({
        method: 'PUT',
        url: `/internal/users/${id}`,
        headers: service,
        payload: { username },
      });
      expect(response.statusCode).toBe(201);
    }
    const tokenA = bearer(await tokens.userToken(a!));
    expect((await app.inject({ method: 'PUT', url: `/api/v1/users/${b}/follow`, headers: tokenA })).statusCode).toBe(
      204,
    );
    const profile = await app.inject({ url: '/api/v1/users/by-username/EMBEDDED_B', headers: tokenA });
    expect(profile.json()).toMatchObject({ id: b, followerCount: 1, followingCount: 0 });
    const followers = await app.inject({ url: `/api/v1/users/${b}/followers`, headers: tokenA });
    expect(followers.json()).toEqual({
      items: [{ id: a, username: 'embedded_a', displayName: 'embedded_a', avatarMediaId: null }],
      nextCursor: null,
    });

    const deadline = Date.now() + 10_000;
    while (!events.some((event) => event.type === 'user.followed') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(events.map((event) => event.type)).toEqual(['user.registered', 'user.registered', 'user.followed']);
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
    const openapi = (await app.inject({ url: '/openapi.json' })).json();
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining(['/api/v1/users/me', '/api/v1/users/{id}/follow', '/internal/users/batch']),
    );
  });
});

describe('hostile text on PGlite', () => {
  it('U+0000, lone surrogates, controls and bidi overrides are 400s naming the field; the profile is unchanged', async () => {
    const id = await newUserId();
    const service = bearer(await tokens.serviceToken('users:write'));
    const created = await app.inject({
      method: 'PUT',
      url: `/internal/users/${id}`,
      headers: service,
      payload: { username: 'embedded_text', displayName: 'a\u0000b' },
    });
    expect([created.statusCode, created.json().errors]).toEqual([
      400,
      [expect.objectContaining({ field: '/body/displayName' })],
    ]);
    expect(
      (
        await app.inject({
          method: 'PUT',
          url: `/internal/users/${id}`,
          headers: service,
          payload: { username: 'embedded_text' },
        })
      ).statusCode,
    ).toBe(201);
    const token = bearer(await tokens.userToken(id!));
    for (const payload of [
      { displayName: 'a\u0000b' },
      { bio: 'a\u0000b' },
      { bio: '\ud800' },
      { displayName: '\u202ex' },
    ]) {
      const response = await app.inject({ method: 'PATCH', url: '/api/v1/users/me', headers: token, payload });
      expect([response.statusCode, response.json().errors?.[0]?.field]).toEqual([
        400,
        `/body/${Object.keys(payload)[0]}`,
      ]);
    }
    const profile = await app.inject({ url: `/api/v1/users/${id}`, headers: token });
    expect(profile.json()).toMatchObject({ displayName: 'embedded_text', bio: '' });
  });
});

describe('configuration', () => {
  it('needs only JWKS_URL; the stores default to the embedded adapters', () => {
    const config = loadUserConfig({ JWKS_URL: 'http://auth:3000/.well-known/jwks.json' });
    expect(config).toMatchObject({ PORT: 3000, AUTH_ISSUER: 'scalegram-auth', PROFILE_CACHE_TTL_MS: 60_000 });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(() => loadUserConfig({ PROFILE_CACHE_TTL_MS: 'soon' })).toThrow(
      /JWKS_URL is required[\s\S]*PROFILE_CACHE_TTL_MS/,
    );
  });
});
