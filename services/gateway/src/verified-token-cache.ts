// Remembers access tokens the gateway has already verified, for a short while. A profile of
// bench/overhead.ts showed the Ed25519 check (WebCrypto, run on libuv's thread pool) as the largest
// single cost of a forwarded request, and a client sends the same token with every request for its
// whole lifetime. Envoy's jwt_authn filter offers the same cache for the same reason.
//
// Why this is safe:
// - The key is the exact token string, signature included: a token that differs in one byte is a miss
//   and goes through full verification. Only successful verifications are stored.
// - An entry never outlives the token's own `exp`, nor `maxAgeMs`.
// - A signing key withdrawn from the JWKS stays trusted for up to `maxAgeMs` longer. The verifier
//   already caches the key set itself for minutes, so that window is not new. The services behind the
//   gateway verify every request again without this cache.
import type { AccessTokenVerifier, Identity } from '@scalegram/kit/access-token';

export interface VerifiedTokenCacheOptions {
  /** At most this many tokens are remembered (oldest dropped first); 0 disables the cache. */
  maxEntries: number;
  /** How long a verification is trusted, at most. */
  maxAgeMs: number;
  now?: () => number;
}

interface Entry {
  identity: Identity;
  expiresAt: number;
}

export function withVerifiedTokenCache(
  verifier: AccessTokenVerifier,
  options: VerifiedTokenCacheOptions,
): AccessTokenVerifier {
  if (options.maxEntries <= 0) return verifier;
  const now = options.now ?? Date.now;
  // A Map iterates in insertion order, so its first key is the oldest entry.
  const entries = new Map<string, Entry>();
  return {
    async verify(token) {
      const hit = entries.get(token);
      if (hit && hit.expiresAt > now()) return hit.identity;
      if (hit) entries.delete(token);
      const identity = await verifier.verify(token);
      // Shared by every request that presents this token: nobody may change it.
      Object.freeze(identity.scope);
      Object.freeze(identity);
      const expiresAt = Math.min(identity.expiresAt.getTime(), now() + options.maxAgeMs);
      if (expiresAt > now()) {
        if (entries.size >= options.maxEntries) entries.delete(entries.keys().next().value as string);
        entries.set(token, { identity, expiresAt });
      }
      return identity;
    },
  };
}
