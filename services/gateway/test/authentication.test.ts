import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { App } from '@scalegram/kit/app';
import { type Harness, startHarness } from './support/gateway-harness.ts';
import { forgedTokens, signAccessToken } from './support/signing-keys.ts';

let harness: Harness;
let gateway: App;
let forged: Record<string, string>;

beforeAll(async () => {
  harness = await startHarness();
  gateway = await harness.gateway();
  forged = await forgedTokens(harness.key, harness.otherKey);
});

afterAll(async () => {
  await harness.close();
});

describe('authentication at the gateway', () => {
  it('lets a valid token through to a protected route, and the upstream verifies it too', async () => {
    const response = await gateway.inject({
      method: 'GET',
      url: '/api/v1/users/me',
      headers: { authorization: `Bearer ${await harness.token('4242')}` },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ userId: '4242' });
  });

  it('answers 401 unauthenticated without a token, before touching the upstream', async () => {
    const response = await gateway.inject({ method: 'GET', url: '/api/v1/users/me' });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.json()).toMatchObject({ code: 'unauthenticated', instance: '/api/v1/users/me' });
    // A request on a route the upstream would reject with 404 still gets the gateway's 401 first.
    const missing = await gateway.inject({ method: 'GET', url: '/api/v1/users/missing' });
    expect(missing.statusCode).toBe(401);
  });

  it.each([
    'tampered payload',
    'tampered signature',
    'alg none',
    'HS256 confusion',
    'wrong key',
    'expired',
    'wrong audience',
    'wrong issuer',
    'not a jwt',
  ])('answers 401 invalid-token for a forged token: %s', async (kind) => {
    const response = await gateway.inject({
      method: 'PATCH',
      url: '/api/v1/users/me',
      headers: { authorization: `Bearer ${forged[kind]}` },
      payload: { displayName: 'pwned' },
    });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect(response.json()).toMatchObject({ code: 'invalid-token' });
  });

  it('refuses a non-Bearer Authorization header', async () => {
    const response = await gateway.inject({
      method: 'GET',
      url: '/api/v1/users/me',
      headers: { authorization: 'Basic YWxpY2U6c2VjcmV0' },
    });
    expect(response.statusCode).toBe(401);
  });

  it('does not demand a token on anonymous routes, and forwards a refused one for the upstream to judge', async () => {
    const response = await gateway.inject({
      method: 'POST',
      url: '/api/v1/auth/echo',
      headers: { authorization: `Bearer ${forged.expired}` },
      payload: {},
    });
    expect(response.statusCode).toBe(200);
    expect((response.json() as { headers: Record<string, string> }).headers.authorization).toBe(
      `Bearer ${forged.expired}`,
    );
  });

  it('demands a token for the more specific /auth/password entry', async () => {
    const response = await gateway.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      payload: { currentPassword: 'a', newPassword: 'b' },
    });
    expect(response.statusCode).toBe(401);
  });

  it('picks up a rotated signing key (unknown kid → JWKS refetch)', async () => {
    // The fake auth service publishes whatever keys are current; rotate by publishing the other key.
    const rotatedGateway = await harness.gateway();
    const before = await rotatedGateway.inject({
      method: 'GET',
      url: '/api/v1/users/me',
      headers: { authorization: `Bearer ${await harness.token('7')}` },
    });
    expect(before.statusCode).toBe(200);
    const newKey = { ...harness.otherKey, kid: 'key-3', publicJwk: { ...harness.otherKey.publicJwk, kid: 'key-3' } };
    harness.publish([harness.key, newKey]);
    const after = await rotatedGateway.inject({
      method: 'GET',
      url: '/api/v1/users/me',
      headers: { authorization: `Bearer ${await signAccessToken(newKey, { userId: '8' })}` },
    });
    expect(after.statusCode).toBe(200);
    expect(after.json()).toMatchObject({ userId: '8' });
    harness.publish([harness.key]);
  });
});
