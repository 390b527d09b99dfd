// Signs the two kinds of JWT the auth service issues, always with the key ring's active key and its
// `kid` in the header (verifiers pick the key by kid, which is what makes rotation seamless):
//   - access tokens for users: aud `scalegram`, sub = user id, username, sid = refresh family id;
//   - service tokens for auth's own calls to internal routes: aud `scalegram-internal`,
//     sub `service:auth`, scope `users:write`, 60 s.
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { type KeyRing, SIGNING_ALGORITHM } from './key-ring.ts';

export const ACCESS_AUDIENCE = 'scalegram';
export const INTERNAL_AUDIENCE = 'scalegram-internal';
export const SERVICE_SUBJECT = 'service:auth';
export const SERVICE_TOKEN_TTL_SECONDS = 60;

export interface TokenIssuerOptions {
  keyRing: KeyRing;
  issuer: string;
  accessTtlSeconds: number;
}

export interface AccessTokenClaims {
  userId: string;
  username: string;
  sessionId: string;
}

export interface SignedAccessToken {
  accessToken: string;
  /** Seconds, as answered in `expiresIn`. */
  expiresIn: number;
}

export interface TokenIssuer {
  signAccessToken(claims: AccessTokenClaims): Promise<SignedAccessToken>;
  signServiceToken(scope: string): Promise<string>;
}

export function createTokenIssuer(options: TokenIssuerOptions): TokenIssuer {
  const { keyRing, issuer } = options;
  const sign = (payload: Record<string, unknown>, subject: string, audience: string, ttlSeconds: number) =>
    new SignJWT(payload)
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: keyRing.activeKid, typ: 'JWT' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject(subject)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(keyRing.signingKey);

  return {
    async signAccessToken({ userId, username, sessionId }) {
      const ttl = options.accessTtlSeconds;
      const accessToken = await sign({ username, sid: sessionId }, userId, ACCESS_AUDIENCE, ttl);
      return { accessToken, expiresIn: ttl };
    },
    signServiceToken: (scope) => sign({ scope }, SERVICE_SUBJECT, INTERNAL_AUDIENCE, SERVICE_TOKEN_TTL_SECONDS),
  };
}
