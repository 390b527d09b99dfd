// requireServiceScope / requireUserOrService against real tokens: a user verifier (audience scalegram)
// on the authentication plugin, a service verifier (audience scalegram-internal) on the internal routes.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { createAccessTokenVerifier } from '../src/access-token.ts';
import { type App, createApp } from '../src/app.ts';
import { authenticationPlugin } from '../src/authentication.ts';
import { requireServiceScope, requireUserOrService } from '../src/service-authentication.ts';
import { captureLogs } from './log-capture.ts';

const ISSUER = 'scalegram-auth-test';
let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let publicJwk: JWK;
let app: App;

function sign(subject: string, audience: string, claims: Record<string, unknown> = {}) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', kid: 'k1' })
    .setSubject(subject)
    .setIssuer(ISSUER)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime('1m')
    .sign(privateKey);
}

beforeAll(async () => {
  const pair = await generateKeyPair('Ed25519', { extractable: true });
  privateKey = pair.privateKey;
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'EdDSA', use: 'sig' };
  const jwks = { keys: [publicJwk] };
  const userVerifier = createAccessTokenVerifier({ jwks, issuer: ISSUER, audience: 'scalegram' });
  const serviceVerifier = createAccessTokenVerifier({ jwks, issuer: ISSUER, audience: 'scalegram-internal' });
  app = createApp({ name: 'service-auth-test', version: '1', logDestination: captureLogs() });
  app.register(authenticationPlugin, { verifier: userVerifier });
  app.register(async (scope: App) => {
    scope.get('/internal/reader', { preValidation: requireServiceScope(serviceVerifier, 'posts:read') }, async () => ({
      ok: true,
    }));
    scope.get('/internal/anyone', { preValidation: requireUserOrService(serviceVerifier) }, async () => ({ ok: true }));
  });
  await app.ready();
});

afterAll(async () => {
  await app.close();
});

const call = (url: string, token?: string) =>
  app.inject({ method: 'GET', url, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

describe('requireServiceScope', () => {
  it('accepts a service token that carries the scope', async () => {
    const token = await sign('service:search', 'scalegram-internal', { scope: 'users:read posts:read' });
    expect((await call('/internal/reader', token)).statusCode).toBe(200);
  });

  it('answers 401 without a token, with a malformed header, and for a user token (wrong audience)', async () => {
    const none = await call('/internal/reader');
    expect([none.statusCode, none.json().code, none.headers['www-authenticate']]).toEqual([
      401,
      'unauthenticated',
      'Bearer',
    ]);
    const malformed = await app.inject({
      method: 'GET',
      url: '/internal/reader',
      headers: { authorization: 'Bearer x' },
    });
    expect(malformed.json().code).toBe('invalid-token');
    const userToken = await sign('123', 'scalegram', { scope: 'posts:read' });
    const refused = await call('/internal/reader', userToken);
    expect([refused.statusCode, refused.json().code]).toEqual([401, 'invalid-token']);
  });

  it('answers 403 insufficient-scope for a service token without the scope, or a non-service subject', async () => {
    const otherScope = await sign('service:search', 'scalegram-internal', { scope: 'users:read' });
    const response = await call('/internal/reader', otherScope);
    expect([response.statusCode, response.json().code]).toEqual([403, 'insufficient-scope']);
    expect(response.headers['www-authenticate']).toBe('Bearer error="insufficient_scope", scope="posts:read"');
    const userSubject = await sign('123', 'scalegram-internal', { scope: 'posts:read' });
    expect((await call('/internal/reader', userSubject)).statusCode).toBe(403);
    const noScope = await sign('service:search', 'scalegram-internal');
    expect((await call('/internal/reader', noScope)).statusCode).toBe(403);
  });
});

describe('requireUserOrService', () => {
  it('accepts a user token and a service token, refuses anonymous and invalid callers', async () => {
    expect((await call('/internal/anyone', await sign('123', 'scalegram'))).statusCode).toBe(200);
    expect((await call('/internal/anyone', await sign('service:feed', 'scalegram-internal'))).statusCode).toBe(200);
    expect((await call('/internal/anyone')).json().code).toBe('unauthenticated');
    const wrongIssuer = await new SignJWT({})
      .setProtectedHeader({ alg: 'EdDSA', kid: 'k1' })
      .setSubject('123')
      .setIssuer('someone-else')
      .setAudience('scalegram')
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(privateKey);
    const refused = await call('/internal/anyone', wrongIssuer);
    expect([refused.statusCode, refused.json().code]).toEqual([401, 'invalid-token']);
  });
});
