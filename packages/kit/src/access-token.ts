// Verifying access tokens where they arrive. The auth service signs short-lived JWTs with an
// asymmetric key and publishes the public half at /.well-known/jwks.json; the gateway and every
// service verify locally against that key set (fetched once, cached, refetched when a token names a
// `kid` it has not seen — which is how a key rotation reaches them without a restart).
import { UnavailableError } from '@scalegram/contracts/errors';
import { isId } from '@scalegram/contracts/ids';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import { HttpProblem } from './http-problem.ts';

/**
 * The only algorithms accepted. Pinning them is what defeats `alg: none` and the classic
 * "HS256 signed with the public key" confusion: a token whose header names anything else is rejected
 * before any key is used.
 */
export const ACCESS_TOKEN_ALGORITHMS = ['EdDSA', 'Ed25519', 'ES256'];

/** What a verified access token says about its bearer. */
export interface Identity {
  /** The user id (a 64-bit id as a decimal string), or `service:<name>` for service tokens. */
  subject: string;
  /** The user id when the subject is a user, else undefined. */
  userId: string | undefined;
  username: string | undefined;
  /** The refresh-token family (login session) the token was issued under. */
  sessionId: string | undefined;
  tokenId: string | undefined;
  scope: string[];
  expiresAt: Date;
}

export interface AccessTokenVerifierOptions {
  /** The JWKS URL to fetch from, or a key set held in memory (the auth service verifies its own). */
  jwks: string | URL | JSONWebKeySet;
  issuer: string;
  audience: string;
  /** Allowed clock skew between signer and verifier. */
  clockToleranceSeconds?: number;
  /** How long a fetched key set is trusted before a refetch. */
  cacheMaxAgeMs?: number;
  /** Minimum time between refetches triggered by unknown `kid`s (stops a flood of bad tokens from
   *  turning into a flood of JWKS requests). */
  cooldownMs?: number;
  /** Per-fetch timeout for the JWKS. */
  timeoutMs?: number;
}

export interface AccessTokenVerifier {
  /** Resolves the identity, or throws a 401 HttpProblem (bad token) or UnavailableError (JWKS unreachable). */
  verify(token: string): Promise<Identity>;
}

export function invalidToken(detail: string): HttpProblem {
  return new HttpProblem(401, 'invalid-token', 'Invalid access token', {
    detail,
    headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
  });
}

function keySet(options: AccessTokenVerifierOptions): JWTVerifyGetKey {
  if (typeof options.jwks === 'string' || options.jwks instanceof URL) {
    return createRemoteJWKSet(new URL(options.jwks), {
      cacheMaxAge: options.cacheMaxAgeMs ?? 10 * 60_000,
      cooldownDuration: options.cooldownMs ?? 30_000,
      timeoutDuration: options.timeoutMs ?? 2_000,
    });
  }
  return createLocalJWKSet(options.jwks);
}

function identityOf(payload: JWTPayload): Identity {
  const subject = payload.sub;
  if (typeof subject !== 'string' || subject.length === 0) throw invalidToken('token has no subject');
  if (typeof payload.exp !== 'number') throw invalidToken('token has no expiry');
  const claim = (name: string) => (typeof payload[name] === 'string' ? (payload[name] as string) : undefined);
  const scope = claim('scope');
  return {
    subject,
    // A user's subject is a 64-bit id in range; anything else (a service's name) is no user.
    userId: isId(subject) ? subject : undefined,
    username: claim('username'),
    sessionId: claim('sid'),
    tokenId: payload.jti,
    scope: scope ? scope.split(' ').filter(Boolean) : [],
    expiresAt: new Date(payload.exp * 1000),
  };
}

export function createAccessTokenVerifier(options: AccessTokenVerifierOptions): AccessTokenVerifier {
  const getKey = keySet(options);
  return {
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, getKey, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: ACCESS_TOKEN_ALGORITHMS,
          clockTolerance: options.clockToleranceSeconds ?? 5,
          requiredClaims: ['sub', 'exp', 'iat'],
        });
        return identityOf(payload);
      } catch (error) {
        if (error instanceof HttpProblem) throw error;
        // The key set could not be fetched: that is our outage, not the caller's bad token.
        // (By name, not instanceof: fetch's TypeError may come from another realm, e.g. under Jest.)
        if (error instanceof errors.JWKSTimeout || (error as { name?: unknown } | null)?.name === 'TypeError') {
          throw new UnavailableError('the signing key set is unreachable', { code: 'jwks-unavailable', cause: error });
        }
        if (error instanceof errors.JWTExpired) throw invalidToken('the token has expired');
        if (error instanceof errors.JWTClaimValidationFailed) throw invalidToken(`claim "${error.claim}" is not valid`);
        if (error instanceof errors.JOSEError) throw invalidToken('the token could not be verified');
        throw error;
      }
    },
  };
}
