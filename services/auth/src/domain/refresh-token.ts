// Refresh tokens are opaque: 32 random bytes (256 bits), base64url — 43 characters. The database
// keeps only their SHA-256 digest. A fast hash is right here (unlike passwords): the input is
// random and long, so there is nothing to brute-force, and the lookup by digest is an index probe.
import { createHash, randomBytes } from 'node:crypto';

export const REFRESH_TOKEN_BYTES = 32;
export const REFRESH_TOKEN_PATTERN = '^[A-Za-z0-9_-]{43}$';

export function newRefreshToken(): string {
  return randomBytes(REFRESH_TOKEN_BYTES).toString('base64url');
}

export function refreshTokenDigest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
