// A stand-in for the auth service's signing side: an Ed25519 key, its JWKS served by a real local
// Fastify server, and helpers that sign user access tokens and service tokens exactly as auth does.
import Fastify from 'fastify';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { USER_AUDIENCE } from '../../src/config.ts';

export const TEST_ISSUER = 'scalegram-auth-test';
const SERVICE_AUDIENCE = 'scalegram-internal';

export interface TokenIssuer {
  jwksUrl: string;
  userToken(userId: string): Promise<string>;
  serviceToken(scope: string): Promise<string>;
  close(): Promise<void>;
}

export async function startTokenIssuer(): Promise<TokenIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('Ed25519', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key-1', alg: 'EdDSA', use: 'sig' };
  const server = Fastify();
  server.get('/.well-known/jwks.json', async () => ({ keys: [jwk] }));
  await server.listen({ port: 0, host: '127.0.0.1' });
  const { port } = server.server.address() as { port: number };
  const sign = (subject: string, audience: string, claims: Record<string, unknown>) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', kid: 'test-key-1' })
      .setSubject(subject)
      .setIssuer(TEST_ISSUER)
      .setAudience(audience)
      .setIssuedAt()
      .setJti(crypto.randomUUID())
      .setExpirationTime('10m')
      .sign(privateKey);
  return {
    jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    userToken: (userId) => sign(userId, USER_AUDIENCE, { username: `u${userId}`, sid: 'family' }),
    serviceToken: (scope) => sign('service:auth', SERVICE_AUDIENCE, { scope }),
    close: () => server.close(),
  };
}
