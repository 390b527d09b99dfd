// A real Ed25519 key pair and JWKS for tests, signing access tokens the way the auth service does.
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

export const ISSUER = 'scalegram-auth';
export const AUDIENCE = 'scalegram';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

export interface SigningKey {
  kid: string;
  privateKey: PrivateKey;
  publicJwk: JWK;
}

export async function createSigningKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('Ed25519', { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' } };
}

export interface TokenOptions {
  userId?: string;
  username?: string;
  issuer?: string;
  audience?: string;
  /** jose time span, e.g. '5m', or a number of seconds since the epoch. */
  expiresAt?: string | number;
  issuedAt?: number;
}

export function signAccessToken(key: SigningKey, options: TokenOptions = {}): Promise<string> {
  const jwt = new SignJWT({ username: options.username ?? 'alice', sid: 'family-1' })
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
    .setSubject(options.userId ?? '1001')
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setJti(crypto.randomUUID())
    .setExpirationTime(options.expiresAt ?? '5m');
  if (options.issuedAt === undefined) jwt.setIssuedAt();
  else jwt.setIssuedAt(options.issuedAt);
  return jwt.sign(key.privateKey);
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The classic forgeries, each of which must be refused. */
export async function forgedTokens(key: SigningKey, otherKey: SigningKey): Promise<Record<string, string>> {
  const valid = await signAccessToken(key);
  const [header, payload, signature] = valid.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  const now = Math.floor(Date.now() / 1000);
  return {
    'tampered payload': `${header}.${b64({ ...claims, sub: '1' })}.${signature}`,
    'tampered signature': `${header}.${payload}.${signature.slice(0, -4)}AAAA`,
    'alg none': `${b64({ alg: 'none', typ: 'JWT', kid: key.kid })}.${payload}.`,
    'HS256 confusion': `${b64({ alg: 'HS256', kid: key.kid })}.${payload}.${signature}`,
    // Signed by a key that is not in the JWKS, under a kid the JWKS does publish.
    'wrong key': await signAccessToken({ ...otherKey, kid: key.kid }),
    expired: await signAccessToken(key, { expiresAt: now - 600, issuedAt: now - 1200 }),
    'wrong audience': await signAccessToken(key, { audience: 'scalegram-internal' }),
    'wrong issuer': await signAccessToken(key, { issuer: 'evil-auth' }),
    'not a jwt': 'abc.def',
  };
}
