// A stand-in for the auth service's signing side: an Ed25519 key, its JWKS served by a real local
// Fastify server, and helpers that sign user and service tokens exactly as the design says.
import { createAccessTokenVerifier } from '@scalegram/kit/access-token';
import Fastify from 'fastify';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { SERVICE_AUDIENCE, USER_AUDIENCE } from '../../src/config.ts';

export const TEST_ISSUER = 'scalegram-auth-test';

export interface TokenIssuer {
  jwksUrl: string;
  userToken(userId: string, options?: { audience?: string; expiresIn?: string }): Promise<string>;
  serviceToken(scope?: string, options?: { audience?: string; subject?: string }): Promise<string>;
  userVerifier: ReturnType<typeof createAccessTokenVerifier>;
  serviceVerifier: ReturnType<typeof createAccessTokenVerifier>;
  /** A token signed by a key that is not in the JWKS. */
  foreignToken(userId: string): Promise<string>;
  close(): Promise<void>;
}

async function newKey(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair('Ed25519', { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' } };
}

type Key = Awaited<ReturnType<typeof newKey>>;

function sign(key: Key, subject: string, audience: string, claims: Record<string, unknown>, expiresIn = '5m') {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
    .setSubject(subject)
    .setIssuer(TEST_ISSUER)
    .setAudience(audience)
    .setIssuedAt()
    .setJti(crypto.randomUUID())
    .setExpirationTime(expiresIn)
    .sign(key.privateKey);
}

export async function startTokenIssuer(): Promise<TokenIssuer> {
  const key = await newKey('test-key-1');
  const foreign = await newKey('test-key-1');
  const server = Fastify();
  server.get('/.well-known/jwks.json', async () => ({ keys: [key.jwk] }));
  await server.listen({ port: 0, host: '127.0.0.1' });
  const { port } = server.server.address() as { port: number };
  const jwksUrl = `http://127.0.0.1:${port}/.well-known/jwks.json`;
  return {
    jwksUrl,
    userToken: (userId, options = {}) =>
      sign(
        key,
        userId,
        options.audience ?? USER_AUDIENCE,
        { username: `u${userId}`, sid: 'family' },
        options.expiresIn,
      ),
    serviceToken: (scope = 'media:read', options = {}) =>
      sign(key, options.subject ?? 'service:auth', options.audience ?? SERVICE_AUDIENCE, { scope }, '60s'),
    foreignToken: (userId) => sign(foreign, userId, USER_AUDIENCE, { username: 'x' }),
    userVerifier: createAccessTokenVerifier({ jwks: jwksUrl, issuer: TEST_ISSUER, audience: USER_AUDIENCE }),
    serviceVerifier: createAccessTokenVerifier({ jwks: jwksUrl, issuer: TEST_ISSUER, audience: SERVICE_AUDIENCE }),
    close: () => server.close(),
  };
}
