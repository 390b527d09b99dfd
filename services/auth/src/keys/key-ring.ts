// The signing key ring. Stored as a JWK set of PRIVATE Ed25519 keys, each with two extra members:
// `createdAt` and, once replaced, `retiredAt` (ISO 8601). Exactly one key is active (no retiredAt)
// and signs every new token; retired keys only stay PUBLISHED (in the JWKS) until retiredAt plus the
// access-token TTL, because a token signed just before the rotation is valid for that long.
// Nothing here does I/O: key-ring-source.ts reads and writes the ring, rotate-keys.ts rotates it.
import type { webcrypto } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK } from 'jose';
import Type from 'typebox';
import { Value } from 'typebox/value';

export const SIGNING_ALGORITHM = 'EdDSA';

const StoredKey = Type.Object({
  kty: Type.Literal('OKP'),
  crv: Type.Literal('Ed25519'),
  x: Type.String({ minLength: 43, maxLength: 43 }),
  d: Type.String({ minLength: 43, maxLength: 43 }),
  kid: Type.String({ minLength: 1, maxLength: 100 }),
  alg: Type.Literal(SIGNING_ALGORITHM),
  use: Type.Optional(Type.Literal('sig')),
  createdAt: Type.String({ format: 'date-time' }),
  retiredAt: Type.Optional(Type.String({ format: 'date-time' })),
});
export type StoredKey = Type.Static<typeof StoredKey>;

export const StoredKeyRing = Type.Object({ keys: Type.Array(StoredKey, { minItems: 1 }) });
export type StoredKeyRing = Type.Static<typeof StoredKeyRing>;

/** Thrown for a key ring that cannot be used; the message never contains key material. */
export class KeyRingError extends Error {
  override name = 'KeyRingError';
}

/** Validates a stored key ring (e.g. the AUTH_SIGNING_KEYS JSON): shape, unique kids, one active key. */
export function parseKeyRing(json: string): StoredKeyRing {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new KeyRingError('the key ring is not valid JSON');
  }
  if (!Value.Check(StoredKeyRing, value)) {
    const first = Value.Errors(StoredKeyRing, value)[0];
    throw new KeyRingError(`the key ring is not a set of Ed25519 private JWKs (${first?.instancePath ?? ''})`);
  }
  const ring = value as StoredKeyRing;
  if (new Set(ring.keys.map((key) => key.kid)).size !== ring.keys.length) {
    throw new KeyRingError('the key ring has duplicate kids');
  }
  const active = ring.keys.filter((key) => key.retiredAt === undefined);
  if (active.length !== 1) throw new KeyRingError(`the key ring needs exactly one active key, found ${active.length}`);
  return ring;
}

/** A new Ed25519 key; its kid is the RFC 7638 thumbprint, so it is stable and never collides by accident. */
export async function generateStoredKey(now: Date): Promise<StoredKey> {
  const { privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { crv: 'Ed25519', extractable: true });
  const jwk = await exportJWK(privateKey);
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || !jwk.x || !jwk.d) throw new KeyRingError('unexpected key type');
  const kid = await calculateJwkThumbprint(jwk);
  return {
    kty: 'OKP',
    crv: 'Ed25519',
    x: jwk.x,
    d: jwk.d,
    kid,
    alg: SIGNING_ALGORITHM,
    use: 'sig',
    createdAt: now.toISOString(),
  };
}

export async function newKeyRing(now: Date): Promise<StoredKeyRing> {
  return { keys: [await generateStoredKey(now)] };
}

/**
 * Adds a new active key and retires the current one. Keys whose publication window
 * (retiredAt + accessTtlSeconds) ended before `now` are dropped: no valid token can name them.
 */
export async function rotateKeyRing(ring: StoredKeyRing, now: Date, accessTtlSeconds: number): Promise<StoredKeyRing> {
  const kept = ring.keys
    .filter((key) => key.retiredAt === undefined || publishedUntil(key, accessTtlSeconds) > now.getTime())
    .map((key) => (key.retiredAt === undefined ? { ...key, retiredAt: now.toISOString() } : key));
  return { keys: [...kept, await generateStoredKey(now)] };
}

function publishedUntil(key: StoredKey, accessTtlSeconds: number): number {
  return key.retiredAt === undefined ? Number.POSITIVE_INFINITY : Date.parse(key.retiredAt) + accessTtlSeconds * 1000;
}

/** A published key: the public half only. */
export interface PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: typeof SIGNING_ALGORITHM;
  use: 'sig';
}

export interface PublicJwkSet {
  keys: PublicJwk[];
}

function publicJwk(key: StoredKey): PublicJwk {
  return { kty: key.kty, crv: key.crv, x: key.x, kid: key.kid, alg: SIGNING_ALGORITHM, use: 'sig' };
}

/** The key ring in memory: the imported active private key, and the public keys to publish. */
export interface KeyRing {
  readonly activeKid: string;
  readonly signingKey: webcrypto.CryptoKey;
  /** Active + retired keys still inside their publication window at `now`. */
  publicJwks(now?: Date): PublicJwkSet;
}

export async function loadKeyRing(ring: StoredKeyRing, accessTtlSeconds: number): Promise<KeyRing> {
  const active = ring.keys.find((key) => key.retiredAt === undefined);
  if (active === undefined) throw new KeyRingError('the key ring has no active key');
  const signingKey = (await importJWK({ ...active }, SIGNING_ALGORITHM)) as webcrypto.CryptoKey;
  return {
    activeKid: active.kid,
    signingKey,
    publicJwks: (now = new Date()) => ({
      keys: ring.keys.filter((key) => publishedUntil(key, accessTtlSeconds) > now.getTime()).map(publicJwk),
    }),
  };
}
