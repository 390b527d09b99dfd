// A stand-in for the auth service's signing side: an Ed25519 key, its JWKS served by a real local
// Fastify server, user access tokens signed exactly as auth signs them, and auth's client-credentials
// grant (`POST /internal/service-tokens`) for one client, so the re-index gets its `posts:read` token
// over HTTP as it does in production.

import { SERVICE_TOKEN_AUDIENCE } from '@scalegram/contracts/service-tokens';
import { basicCredentials } from '@scalegram/kit/service-token-source';
import Fastify from 'fastify';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { USER_AUDIENCE } from '../../src/config.ts';

export const TEST_ISSUER = 'scalegram-auth-test';
export const TEST_CLIENT = { id: 'search', secret: 'test-secret-of-search' };

export interface TokenIssuer {
  jwksUrl: string;
  /** Base URL of the stand-in auth service (the client-credentials grant). */
  authUrl: string;
  userToken(userId: string): Promise<string>;
  /** Service tokens granted so far. */
  grants(): number;
  close(): Promise<void>;
}

export async function startTokenIssuer(): Promise<TokenIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('Ed25519', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key-1', alg: 'EdDSA', use: 'sig' };
  const sign = (claims: Record<string, unknown>, subject: string, audience: string) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', kid: 'test-key-1' })
      .setSubject(subject)
      .setIssuer(TEST_ISSUER)
      .setAudience(audience)
      .setIssuedAt()
      .setJti(crypto.randomUUID())
      .setExpirationTime('10m')
      .sign(privateKey);
  let grants = 0;
  const server = Fastify();
  server.get('/.well-known/jwks.json', async () => ({ keys: [jwk] }));
  server.post<{ Body: { grant_type?: string; scope?: string } }>('/internal/service-tokens', async (request, reply) => {
    if (request.headers.authorization !== basicCredentials(TEST_CLIENT.id, TEST_CLIENT.secret)) {
      return reply.code(401).send({ status: 401, code: 'invalid-client' });
    }
    grants += 1;
    const scope = request.body.scope ?? 'posts:read';
    const token = await sign({ scope, client_id: TEST_CLIENT.id }, `service:${TEST_CLIENT.id}`, SERVICE_TOKEN_AUDIENCE);
    return { access_token: token, token_type: 'Bearer', expires_in: 600, scope };
  });
  await server.listen({ port: 0, host: '127.0.0.1' });
  const { port } = server.server.address() as { port: number };
  const authUrl = `http://127.0.0.1:${port}`;
  return {
    jwksUrl: `${authUrl}/.well-known/jwks.json`,
    authUrl,
    userToken: (userId) => sign({ username: `u${userId}`, sid: 'family' }, userId, USER_AUDIENCE),
    grants: () => grants,
    close: () => server.close(),
  };
}
