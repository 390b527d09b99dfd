// The client-credentials grant: POST /internal/service-tokens with real clients from a registry, the
// tokens checked with kit's verifier against auth's JWKS over HTTP, every refusal, the registry's
// configuration, the new-service-client command, and kit's token source talking to the real route.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createAccessTokenVerifier } from '@scalegram/kit/access-token';
import { ConfigError } from '@scalegram/kit/config';
import { basicCredentials, createServiceTokenSource } from '@scalegram/kit/service-token-source';
import type { LightMyRequestResponse } from 'fastify';
import { decodeJwt } from 'jose';
import {
  authenticateServiceClient,
  parseServiceClients,
  secretDigest,
} from '../src/clients/service-client-registry.ts';
import { loadAuthConfig, settingsFromConfig } from '../src/config.ts';
import { type AuthHarness, ISSUER, startAuthHarness } from './support/auth-harness.ts';

const run = promisify(execFile);
const SEARCH_SECRET = 'search-secret-0123456789abcdefghijklmnopqrstuv';
const FEED_OLD_SECRET = 'feed-old-secret-0123456789abcdefghijklmnopqrst';
const FEED_NEW_SECRET = 'feed-new-secret-0123456789abcdefghijklmnopqrst';
const hex = (secret: string) => secretDigest(secret).toString('hex');
const CLIENTS = JSON.stringify({
  search: { secretSha256: hex(SEARCH_SECRET), scopes: ['posts:read', 'users:read'] },
  feed: { secretSha256: [hex(FEED_OLD_SECRET), hex(FEED_NEW_SECRET)], scopes: ['posts:read'] },
});

let harness: AuthHarness;
beforeAll(async () => {
  harness = await startAuthHarness({ serviceClients: parseServiceClients(CLIENTS), serviceTokenTtlSeconds: 120 });
});
afterAll(async () => {
  await harness.close();
});

const FORM = 'application/x-www-form-urlencoded';
function requestToken(
  payload: string,
  { authorization = basicCredentials('search', SEARCH_SECRET), contentType = FORM } = {},
): Promise<LightMyRequestResponse> {
  return harness.app.inject({
    method: 'POST',
    url: '/internal/service-tokens',
    headers: { 'content-type': contentType, authorization },
    payload,
  });
}

const serviceVerifier = () =>
  createAccessTokenVerifier({
    jwks: `${harness.url}/.well-known/jwks.json`,
    issuer: ISSUER,
    audience: 'scalegram-internal',
  });

describe('POST /internal/service-tokens', () => {
  it('issues a token for the requested scope (form body), which verifies as service:<client> on the internal audience', async () => {
    const response = await requestToken('grant_type=client_credentials&scope=posts%3Aread');
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers.pragma).toBe('no-cache');
    const body = response.json();
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 120,
      scope: 'posts:read',
    });
    const identity = await serviceVerifier().verify(body.access_token);
    expect(identity).toMatchObject({ subject: 'service:search', userId: undefined, scope: ['posts:read'] });
    const claims = decodeJwt(body.access_token);
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(120);
    // Not a user token: the public audience refuses it.
    const userVerifier = createAccessTokenVerifier({
      jwks: `${harness.url}/.well-known/jwks.json`,
      issuer: ISSUER,
      audience: 'scalegram',
    });
    await expect(userVerifier.verify(body.access_token)).rejects.toMatchObject({ code: 'invalid-token' });
  });

  it('grants every allowed scope when none is asked for, and accepts a JSON body', async () => {
    const response = await requestToken(JSON.stringify({ grant_type: 'client_credentials' }), {
      contentType: 'application/json',
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().scope).toBe('posts:read users:read');
    const twice = await requestToken('grant_type=client_credentials&scope=users:read+users:read');
    expect(twice.json().scope).toBe('users:read');
  });

  it('accepts both secrets of a client whose secret is being rotated', async () => {
    for (const secret of [FEED_OLD_SECRET, FEED_NEW_SECRET]) {
      const response = await requestToken('grant_type=client_credentials', {
        authorization: basicCredentials('feed', secret),
      });
      expect([response.statusCode, response.json().scope]).toEqual([200, 'posts:read']);
    }
  });

  it('answers 401 invalid_client, with WWW-Authenticate: Basic, to every bad client', async () => {
    const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;
    const cases: Record<string, string> = {
      'no Authorization header': '',
      'a wrong secret': basicCredentials('search', `${SEARCH_SECRET}x`),
      'another client’s secret': basicCredentials('feed', SEARCH_SECRET),
      'an unknown client': basicCredentials('nobody', SEARCH_SECRET),
      'the reserved client auth': basicCredentials('auth', SEARCH_SECRET),
      'a bearer token': 'Bearer a.b.c',
      'no colon': basic('search'),
      'an empty client id': basic(`:${SEARCH_SECRET}`),
      'a broken percent-encoding': basic(`search:%E0%A4%A${SEARCH_SECRET}`),
      'not base64': 'Basic ***',
    };
    for (const [name, authorization] of Object.entries(cases)) {
      const response = await requestToken('grant_type=client_credentials', { authorization });
      expect([name, response.statusCode, response.json().code, response.json().error]).toEqual([
        name,
        401,
        'invalid-client',
        'invalid_client',
      ]);
      expect(response.headers['www-authenticate']).toMatch(/^Basic realm="scalegram-internal"/);
      expect(response.headers['content-type']).toContain('application/problem+json');
    }
    // A bad client learns nothing about the body: even a malformed one gets the same 401.
    const response = await requestToken(JSON.stringify({ nonsense: true }), {
      authorization: basicCredentials('search', 'wrong'),
      contentType: 'application/json',
    });
    expect(response.statusCode).toBe(401);
  });

  it('answers 400 invalid_scope for a scope the client does not have or that does not exist', async () => {
    for (const scope of ['users:write', 'posts:read%20users:write', 'admin', '%20']) {
      const response = await requestToken(`grant_type=client_credentials&scope=${scope}`);
      expect([scope, response.statusCode, response.json().code, response.json().error]).toEqual([
        scope,
        400,
        'invalid-scope',
        'invalid_scope',
      ]);
    }
  });

  it('answers 400 to other grants and malformed requests, never 5xx', async () => {
    const unsupported = await requestToken('grant_type=password&username=a&password=b');
    expect(unsupported.statusCode).toBe(400);
    const grant = await requestToken('grant_type=authorization_code');
    expect([grant.statusCode, grant.json().code, grant.json().error]).toEqual([
      400,
      'unsupported-grant-type',
      'unsupported_grant_type',
    ]);
    const cases: [string, string, string][] = [
      ['repeated parameter', 'grant_type=client_credentials&grant_type=client_credentials', FORM],
      ['missing grant_type', 'scope=posts:read', FORM],
      ['credentials in the body', 'grant_type=client_credentials&client_secret=x', FORM],
      ['empty body', '', FORM],
      ['JSON with a number', JSON.stringify({ grant_type: 5 }), 'application/json'],
      ['malformed JSON', '{"grant_type":', 'application/json'],
      ['oversized form', `grant_type=client_credentials&scope=${'a'.repeat(2000)}`, FORM],
      ['text body', 'grant_type=client_credentials', 'text/plain'],
    ];
    for (const [name, payload, contentType] of cases) {
      const response = await requestToken(payload, { contentType });
      expect([name, response.statusCode >= 400 && response.statusCode < 500]).toEqual([name, true]);
      expect(response.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('keeps form bodies refused on every other route', async () => {
    const response = await harness.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': FORM },
      payload: 'username=abc&password=x',
    });
    expect(response.statusCode).toBe(415);
  });

  it('publishes the route in the OpenAPI document', async () => {
    const document = (await harness.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    expect(Object.keys(document.paths['/internal/service-tokens']?.post?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '400', '401']),
    );
  });

  it('serves kit’s token source end to end', async () => {
    const tokens = createServiceTokenSource({
      authUrl: harness.url,
      clientId: 'search',
      clientSecret: SEARCH_SECRET,
      scope: ['users:read'],
    });
    try {
      const [first, second] = await Promise.all([tokens.token(), tokens.token()]);
      expect(second).toBe(first);
      expect(await serviceVerifier().verify(first)).toMatchObject({ subject: 'service:search', scope: ['users:read'] });
    } finally {
      await tokens.close();
    }
    const refused = createServiceTokenSource({ authUrl: harness.url, clientId: 'search', clientSecret: 'wrong' });
    try {
      await expect(refused.token()).rejects.toThrow('auth refused service client "search": 401 invalid-client');
    } finally {
      await refused.close();
    }
  });
});

describe('SERVICE_CLIENTS', () => {
  const keys = { AUTH_KEYS_FILE: '/tmp/unused.json' };

  it('defaults to no clients and a 300 s token lifetime', () => {
    const settings = settingsFromConfig(loadAuthConfig(keys));
    expect(settings.serviceClients?.size).toBe(0);
    expect(settings.serviceTokenTtlSeconds).toBe(300);
    const configured = settingsFromConfig(loadAuthConfig({ ...keys, SERVICE_CLIENTS: CLIENTS }));
    expect([...(configured.serviceClients?.keys() ?? [])]).toEqual(['search', 'feed']);
  });

  it('stops the process on a malformed registry, naming the place but not the value', () => {
    const digest = hex('x');
    const bad: Record<string, string> = {
      'not JSON': '{search',
      'an array': '[]',
      'a short digest': JSON.stringify({ search: { secretSha256: 'abc', scopes: ['posts:read'] } }),
      'an unknown scope': JSON.stringify({ search: { secretSha256: digest, scopes: ['admin'] } }),
      'no scopes': JSON.stringify({ search: { secretSha256: digest, scopes: [] } }),
      'a plaintext secret': JSON.stringify({ search: { secret: 'hunter2', scopes: ['posts:read'] } }),
      'an upper-case id': JSON.stringify({ Search: { secretSha256: digest, scopes: ['posts:read'] } }),
      'the reserved id': JSON.stringify({ auth: { secretSha256: digest, scopes: ['users:write'] } }),
    };
    for (const [name, value] of Object.entries(bad)) {
      let error: unknown;
      try {
        loadAuthConfig({ ...keys, SERVICE_CLIENTS: value });
      } catch (caught) {
        error = caught;
      }
      expect([name, error instanceof ConfigError]).toEqual([name, true]);
      expect((error as Error).message).toContain('SERVICE_CLIENTS');
      expect((error as Error).message).not.toContain('hunter2');
    }
  });

  it('new-service-client prints a secret and the entry that authenticates it', async () => {
    const { stdout } = await run(process.execPath, [
      '--conditions=@scalegram/source',
      'src/new-service-client.ts',
      'search',
      'posts:read',
    ]);
    const secret = /client secret[^:]*: (\S+)/.exec(stdout)?.[1] ?? '';
    const entry = /SERVICE_CLIENTS entry for auth: (.+)/.exec(stdout)?.[1] ?? '';
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const registry = parseServiceClients(entry);
    expect(authenticateServiceClient(registry, 'search', secret)?.scopes).toEqual(['posts:read']);
    expect(authenticateServiceClient(registry, 'search', `${secret}x`)).toBeUndefined();
    await expect(
      run(process.execPath, ['--conditions=@scalegram/source', 'src/new-service-client.ts', 'search', 'admin']),
    ).rejects.toMatchObject({ code: 2 });
  });
});
