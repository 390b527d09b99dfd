import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Fastify, { type FastifyInstance } from 'fastify';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { createAccessTokenVerifier } from '../src/access-token.ts';
import { type App, createApp } from '../src/app.ts';
import { authenticationPlugin, requireUserId } from '../src/authentication.ts';
import { captureLogs } from './log-capture.ts';

const ISSUER = 'https://auth.scalegram.test';
const AUDIENCE = 'scalegram';

interface SigningKey {
  kid: string;
  privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  publicJwk: JWK;
}

async function signingKey(kid: string, alg: 'EdDSA' | 'ES256' = 'EdDSA'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg === 'EdDSA' ? 'Ed25519' : 'ES256', { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

interface SignOptions {
  exp?: string;
  issuer?: string;
  audience?: string;
}

function sign(key: SigningKey, claims: Record<string, unknown> = {}, options: SignOptions = {}) {
  return new SignJWT({ username: 'alice', sid: 'family-1', ...claims })
    .setProtectedHeader({ alg: key.publicJwk.alg as string, kid: key.kid })
    .setSubject('123456789012345678')
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt()
    .setJti('jti-1')
    .setExpirationTime(options.exp ?? '5m')
    .sign(key.privateKey);
}

/** Base64url-encodes JSON, for hand-made tokens. */
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

let jwksServer: FastifyInstance;
let jwksRequests = 0;
let published: JWK[] = [];
let current: SigningKey;
let app: App;

beforeAll(async () => {
  current = await signingKey('key-1');
  published = [current.publicJwk];
  jwksServer = Fastify();
  jwksServer.get('/.well-known/jwks.json', async () => {
    jwksRequests += 1;
    return { keys: published };
  });
  await jwksServer.listen({ port: 0, host: '127.0.0.1' });
  const address = jwksServer.server.address() as { port: number };

  app = createApp({ name: 'auth-test', version: '1', logDestination: captureLogs() });
  const verifier = createAccessTokenVerifier({
    jwks: `http://127.0.0.1:${address.port}/.well-known/jwks.json`,
    issuer: ISSUER,
    audience: AUDIENCE,
    cooldownMs: 0,
  });
  app.register(authenticationPlugin, { verifier });
  app.after(() => {
    app.get('/me', { preHandler: app.authenticate }, async (request) => ({
      userId: requireUserId(request),
      username: request.identity?.username,
      sessionId: request.identity?.sessionId,
    }));
    app.get('/public', async (request) => ({ caller: request.identity?.userId ?? null }));
  });
  await app.ready();
});

afterAll(async () => {
  await app.close();
  await jwksServer.close();
});

const call = (token?: string, url = '/me') =>
  app.inject({ method: 'GET', url, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

describe('access token verification', () => {
  it('accepts a token signed with a published key and exposes the identity', async () => {
    const response = await call(await sign(current));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ userId: '123456789012345678', username: 'alice', sessionId: 'family-1' });
  });

  it('answers 401 problem+json without a token on a protected route', async () => {
    const response = await call();
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.json().code).toBe('unauthenticated');
  });

  it('rejects every forged or unusable token with 401 invalid-token', async () => {
    const good = await sign(current);
    const [header, payload, signature] = good.split('.') as [string, string, string];
    const otherKey = await signingKey('key-1'); // same kid, different key
    const forgedClaims = b64({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: '1' });
    const attacks: Record<string, string> = {
      'tampered payload': `${header}.${forgedClaims}.${signature}`,
      'tampered signature': `${header}.${payload}.${signature.slice(0, -4)}AAAA`,
      'alg none': `${b64({ alg: 'none', kid: 'key-1' })}.${payload}.`,
      'wrong key, same kid': await sign(otherKey),
      expired: await sign(current, {}, { exp: '-1m' }),
      'wrong audience': await sign(current, {}, { audience: 'someone-else' }),
      'wrong issuer': await sign(current, {}, { issuer: 'https://evil.example' }),
    };
    // HS256 with the public key as the HMAC secret: the algorithm-confusion attack.
    const secret = new TextEncoder().encode(JSON.stringify(current.publicJwk));
    attacks['HS256 with the public key'] = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
      .setSubject('1')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(secret);

    for (const [name, token] of Object.entries(attacks)) {
      const response = await call(token);
      expect({ name, status: response.statusCode, code: response.json().code }).toEqual({
        name,
        status: 401,
        code: 'invalid-token',
      });
      expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    }
  });

  it('rejects a malformed Authorization header', async () => {
    const response = await app.inject({ method: 'GET', url: '/me', headers: { authorization: 'Basic abc' } });
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('invalid-token');
  });

  it('lets a public route through with a refused token, as an anonymous caller', async () => {
    const response = await call(await sign(current, {}, { exp: '-1m' }), '/public');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ caller: null });
  });

  it('refetches the key set when a token names a new kid (key rotation)', async () => {
    const rotated = await signingKey('key-2', 'ES256');
    published = [current.publicJwk, rotated.publicJwk];
    const before = jwksRequests;
    const response = await call(await sign(rotated));
    expect(response.statusCode).toBe(200);
    expect(jwksRequests).toBeGreaterThan(before);
    // The previous key stays valid while it is still published.
    expect((await call(await sign(current))).statusCode).toBe(200);
  });
});

describe('when the key set cannot be fetched', () => {
  it('answers 503, not 401: it is our outage, not a bad token', async () => {
    // A port that was just listening and is now closed: connection refused.
    const gone = Fastify();
    await gone.listen({ port: 0, host: '127.0.0.1' });
    const { port } = gone.server.address() as { port: number };
    await gone.close();
    const outage = createApp({ name: 'auth-outage', version: '1', logDestination: captureLogs() });
    outage.register(authenticationPlugin, {
      verifier: createAccessTokenVerifier({
        jwks: `http://127.0.0.1:${port}/jwks.json`,
        issuer: ISSUER,
        audience: AUDIENCE,
      }),
    });
    outage.after(() => outage.get('/me', { preHandler: outage.authenticate }, async () => ({ ok: true })));
    const response = await outage.inject({
      method: 'GET',
      url: '/me',
      headers: { authorization: `Bearer ${await sign(current)}` },
    });
    await outage.close();
    expect(response.statusCode).toBe(503);
    expect(response.json().code).toBe('jwks-unavailable');
  });
});
