// Signs the two kinds of JWT the auth service issues, always with the key ring's active key and its
// `kid` in the header (verifiers pick the key by kid, which is what makes rotation seamless):
//   - access tokens for users: aud `scalegram`, sub = user id, username, sid = refresh family id;
//   - service tokens for auth's own calls to internal routes: aud `scalegram-internal`,
//     sub `service:auth`, scope `users:write`, 60 s;
//   - service tokens for registered clients (the client-credentials grant): aud `scalegram-internal`,
//     sub `service:<clientId>`, the granted scopes, SERVICE_TOKEN_TTL_SECONDS.
import { randomUUID } from 'node:crypto';
import { SERVICE_SUBJECT_PREFIX, SERVICE_TOKEN_AUDIENCE } from '@scalegram/contracts/service-tokens';
import { SignJWT } from 'jose';
import { type KeyRing, SIGNING_ALGORITHM } from './key-ring.ts';

export const ACCESS_AUDIENCE = 'scalegram';
export const INTERNAL_AUDIENCE = SERVICE_TOKEN_AUDIENCE;
export const SERVICE_SUBJECT = `${SERVICE_SUBJECT_PREFIX}auth`;
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

export interface ClientTokenClaims {
  clientId: string;
  /** The granted scopes, space-separated. */
  scope: string;
  ttlSeconds: number;
}

export interface TokenIssuer {
  signAccessToken(claims: AccessTokenClaims): Promise<SignedAccessToken>;
  /** auth's own token for its calls to the user service. */
  signServiceToken(scope: string): Promise<string>;
  /** A registered client's token (client-credentials grant). */
  signClientToken(claims: ClientTokenClaims): Promise<SignedAccessToken>;
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
    async signClientToken({ clientId, scope, ttlSeconds }) {
      const subject = `${SERVICE_SUBJECT_PREFIX}${clientId}`;
      const accessToken = await sign({ scope, client_id: clientId }, subject, INTERNAL_AUDIENCE, ttlSeconds);
      return { accessToken, expiresIn: ttlSeconds };
    },
  };
}
