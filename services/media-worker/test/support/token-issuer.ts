// A stand-in for the auth service's signing side (the pattern of services/user/test/support): an
// Ed25519 key whose JWKS is served over real HTTP, and user access tokens signed with it.
import { createServer } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

export const TEST_ISSUER = 'scalegram-auth-test';

export async function startTokenIssuer() {
  const { privateKey, publicKey } = await generateKeyPair('Ed25519', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'e2e-key', alg: 'EdDSA', use: 'sig' };
  const server = createServer((request, response) => {
    if (request.url !== '/.well-known/jwks.json') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    userToken: (userId: string) =>
      new SignJWT({ username: `u${userId}`, sid: 'family' })
        .setProtectedHeader({ alg: 'EdDSA', kid: jwk.kid })
        .setSubject(userId)
        .setIssuer(TEST_ISSUER)
        .setAudience('scalegram')
        .setIssuedAt()
        .setJti(crypto.randomUUID())
        .setExpirationTime('5m')
        .sign(privateKey),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
