// The stand-in auth signs what the real auth signs, verifiable against its JWKS over HTTP; the
// client-credentials grant answers only known clients.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import {
  SERVICE_AUDIENCE,
  startTokenIssuer,
  TEST_ISSUER,
  type TokenIssuer,
  USER_AUDIENCE,
} from '../src/token-issuer.ts';

let tokens: TokenIssuer;
let jwks: ReturnType<typeof createRemoteJWKSet>;

beforeAll(async () => {
  tokens = await startTokenIssuer({ clients: [{ id: 'search', secret: 'secret with spaces' }] });
  jwks = createRemoteJWKSet(new URL(tokens.jwksUrl));
});

afterAll(async () => {
  await tokens.close();
});

describe('token issuer', () => {
  it('signs user tokens for the user audience', async () => {
    const { payload } = await jwtVerify(await tokens.userToken('42'), jwks, {
      issuer: TEST_ISSUER,
      audience: USER_AUDIENCE,
    });
    expect(payload).toMatchObject({ sub: '42', username: 'u42', sid: 'family' });
  });

  it('signs service tokens as auth’s client-credentials grant does', async () => {
    const token = await tokens.serviceToken('posts:read', { client: 'feed' });
    const { payload } = await jwtVerify(token, jwks, { issuer: TEST_ISSUER, audience: SERVICE_AUDIENCE });
    expect(payload).toMatchObject({ sub: 'service:feed', scope: 'posts:read', client_id: 'feed' });
  });

  it('makes expired and foreign tokens that do not verify', async () => {
    await expect(
      jwtVerify(await tokens.userToken('1', { expiresIn: '-1m' }), jwks, { issuer: TEST_ISSUER }),
    ).rejects.toThrow(/exp/);
    await expect(jwtVerify(await tokens.foreignToken('1'), jwks, { issuer: TEST_ISSUER })).rejects.toThrow(/signature/);
  });

  it('grants a token over HTTP to a known client only', async () => {
    const grant = (authorization: string) =>
      fetch(`${tokens.authUrl}/internal/service-tokens`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'client_credentials', scope: 'posts:read' }),
      });
    const good = await grant(`Basic ${Buffer.from('search:secret+with+spaces').toString('base64')}`);
    expect(good.status).toBe(200);
    const body = (await good.json()) as { access_token: string };
    const { payload } = await jwtVerify(body.access_token, jwks, { audience: SERVICE_AUDIENCE });
    expect(payload.sub).toBe('service:search');
    expect((await grant(`Basic ${Buffer.from('search:wrong').toString('base64')}`)).status).toBe(401);
    expect(tokens.grants()).toBe(1);
  });
});

describe('the kit verifiers it hands out', () => {
  it('accept its tokens for their audience only', async () => {
    expect(await tokens.userVerifier.verify(await tokens.userToken('7'))).toMatchObject({ userId: '7' });
    await expect(tokens.userVerifier.verify(await tokens.serviceToken('posts:read'))).rejects.toThrow();
    await expect(tokens.serviceVerifier.verify(await tokens.serviceToken('posts:read'))).resolves.toBeDefined();
  });
});
