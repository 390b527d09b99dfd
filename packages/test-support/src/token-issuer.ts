// A stand-in for the auth service's signing side: an Ed25519 key whose JWKS is served by a real local
// HTTP server, user access tokens and client-credentials service tokens signed exactly as auth signs
// them, and (for the clients given) auth's grant `POST /internal/service-tokens`, so a service under test
// gets its token over HTTP as it does in production. Services verify with their own verifier against
// `jwksUrl` and TEST_ISSUER — `userVerifier` and `serviceVerifier` are the kit's, ready made.
import { SERVICE_TOKEN_AUDIENCE } from '@scalegram/contracts/service-tokens';
import { type AccessTokenVerifier, createAccessTokenVerifier } from '@scalegram/kit/access-token';
import Fastify from 'fastify';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

export const TEST_ISSUER = 'scalegram-auth-test';
/** The audience of user access tokens (every service's USER_AUDIENCE). */
export const USER_AUDIENCE = 'scalegram';
export const SERVICE_AUDIENCE = SERVICE_TOKEN_AUDIENCE;

export interface TokenOptions {
  audience?: string;
  /** A jose time span: '5m', '-1m' (already expired), … */
  expiresIn?: string;
}

export interface ServiceTokenOptions extends TokenOptions {
  /** The client the token is for: `client_id` claim and subject `service:<client>` (default `auth`). */
  client?: string;
  /** Another subject (e.g. a user id, to prove a user cannot pass as a service). */
  subject?: string;
}

export interface ServiceClient {
  id: string;
  secret: string;
}

export interface TokenIssuer {
  jwksUrl: string;
  /** Base URL of the stand-in auth service (the JWKS and the client-credentials grant). */
  authUrl: string;
  userToken(userId: string, options?: TokenOptions & { username?: string }): Promise<string>;
  serviceToken(scope: string, options?: ServiceTokenOptions): Promise<string>;
  /** A token signed by a key that is not in the JWKS (same kid). */
  foreignToken(userId: string): Promise<string>;
  /** The kit's verifiers for the two audiences, against this issuer's JWKS. */
  userVerifier: AccessTokenVerifier;
  serviceVerifier: AccessTokenVerifier;
  /** Service tokens granted over HTTP so far. */
  grants(): number;
  close(): Promise<void>;
}

const KID = 'test-key-1';

async function newKey() {
  const { privateKey, publicKey } = await generateKeyPair('Ed25519', { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid: KID, alg: 'EdDSA', use: 'sig' } };
}

type Key = Awaited<ReturnType<typeof newKey>>;

function sign(key: Key, subject: string, audience: string, claims: Record<string, unknown>, expiresIn = '10m') {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', kid: KID })
    .setSubject(subject)
    .setIssuer(TEST_ISSUER)
    .setAudience(audience)
    .setIssuedAt()
    .setJti(crypto.randomUUID())
    .setExpirationTime(expiresIn)
    .sign(key.privateKey);
}

// RFC 6749 §2.3.1: each part form-encoded, as the kit's service-token source sends them.
function basic(client: ServiceClient): string {
  const encode = (value: string) => encodeURIComponent(value).replaceAll('%20', '+');
  return `Basic ${Buffer.from(`${encode(client.id)}:${encode(client.secret)}`).toString('base64')}`;
}

export async function startTokenIssuer(options: { clients?: ServiceClient[] } = {}): Promise<TokenIssuer> {
  const key = await newKey();
  const foreign = await newKey();
  const serviceToken = (scope: string, token: ServiceTokenOptions = {}) => {
    const client = token.client ?? 'auth';
    return sign(
      key,
      token.subject ?? `service:${client}`,
      token.audience ?? SERVICE_AUDIENCE,
      { scope, client_id: client },
      token.expiresIn,
    );
  };
  let grants = 0;
  const server = Fastify();
  server.get('/.well-known/jwks.json', async () => ({ keys: [key.jwk] }));
  server.post<{ Body: { scope?: string } }>('/internal/service-tokens', async (request, reply) => {
    const client = options.clients?.find((candidate) => request.headers.authorization === basic(candidate));
    if (!client) return reply.code(401).send({ status: 401, code: 'invalid-client' });
    grants += 1;
    const scope = request.body?.scope ?? 'posts:read';
    const token = await serviceToken(scope, { client: client.id });
    return { access_token: token, token_type: 'Bearer', expires_in: 600, scope };
  });
  await server.listen({ port: 0, host: '127.0.0.1' });
  const { port } = server.server.address() as { port: number };
  const authUrl = `http://127.0.0.1:${port}`;
  const jwksUrl = `${authUrl}/.well-known/jwks.json`;
  return {
    jwksUrl,
    authUrl,
    userToken: (userId, token = {}) =>
      sign(
        key,
        userId,
        token.audience ?? USER_AUDIENCE,
        { username: token.username ?? `u${userId}`, sid: 'family' },
        token.expiresIn,
      ),
    serviceToken,
    foreignToken: (userId) => sign(foreign, userId, USER_AUDIENCE, { username: 'x' }),
    userVerifier: createAccessTokenVerifier({ jwks: jwksUrl, issuer: TEST_ISSUER, audience: USER_AUDIENCE }),
    serviceVerifier: createAccessTokenVerifier({ jwks: jwksUrl, issuer: TEST_ISSUER, audience: SERVICE_AUDIENCE }),
    grants: () => grants,
    close: () => server.close(),
  };
}
