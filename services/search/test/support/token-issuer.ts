// A stand-in for the auth service's signing side: an Ed25519 key, its JWKS served by a real local
// Fastify server, and a helper that signs user access tokens exactly as auth does.
import { createAccessTokenVerifier } from '@scalegram/kit/access-token';
import Fastify from 'fastify';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { USER_AUDIENCE } from '../../src/config.ts';

export const TEST_ISSUER = 'scalegram-auth-test';

export interface TokenIssuer {
  jwksUrl: string;
  userToken(userId: string): Promise<string>;
  userVerifier: ReturnType<typeof createAccessTokenVerifier>;
  close(): Promise<void>;
}

export async function startTokenIssuer(): Promise<TokenIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('Ed25519', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key-1', alg: 'EdDSA', use: 'sig' };
  const server = Fastify();
  server.get('/.well-known/jwks.json', async () => ({ keys: [jwk] }));
  await server.listen({ port: 0, host: '127.0.0.1' });
  const { port } = server.server.address() as { port: number };
  const jwksUrl = `http://127.0.0.1:${port}/.well-known/jwks.json`;
  return {
    jwksUrl,
    userToken: (userId) =>
      new SignJWT({ username: `u${userId}`, sid: 'family' })
        .setProtectedHeader({ alg: 'EdDSA', kid: 'test-key-1' })
        .setSubject(userId)
        .setIssuer(TEST_ISSUER)
        .setAudience(USER_AUDIENCE)
        .setIssuedAt()
        .setJti(crypto.randomUUID())
        .setExpirationTime('10m')
        .sign(privateKey),
    userVerifier: createAccessTokenVerifier({ jwks: jwksUrl, issuer: TEST_ISSUER, audience: USER_AUDIENCE }),
    close: () => server.close(),
  };
}
