import { describe, expect, it } from '@jest/globals';
import { createAccessTokenVerifier } from '@scalegram/kit/access-token';
import { KeyRingError, loadKeyRing, newKeyRing, parseKeyRing, rotateKeyRing } from '../src/keys/key-ring.ts';
import { ACCESS_AUDIENCE, createTokenIssuer } from '../src/keys/token-issuer.ts';

const TTL = 900;
const at = (iso: string) => new Date(iso);

describe('key ring', () => {
  it('generates one active Ed25519 key whose kid is its thumbprint, and publishes only the public half', async () => {
    const stored = await newKeyRing(at('2026-01-01T00:00:00Z'));
    expect(stored.keys).toHaveLength(1);
    const ring = await loadKeyRing(parseKeyRing(JSON.stringify(stored)), TTL);
    const published = ring.publicJwks();
    expect(published.keys).toEqual([
      { kty: 'OKP', crv: 'Ed25519', x: stored.keys[0]?.x, kid: ring.activeKid, alg: 'EdDSA', use: 'sig' },
    ]);
    expect(JSON.stringify(published)).not.toContain(stored.keys[0]?.d as string);
  });

  it('rotation: the new key signs, the previous key still verifies until retiredAt + access TTL', async () => {
    const t0 = at('2026-01-01T00:00:00Z');
    const before = await newKeyRing(t0);
    const oldRing = await loadKeyRing(before, TTL);
    const oldToken = await createTokenIssuer({
      keyRing: oldRing,
      issuer: 'iss',
      accessTtlSeconds: TTL,
    }).signAccessToken({
      userId: '42',
      username: 'alice',
      sessionId: '00000000-0000-4000-8000-000000000000',
    });

    const rotatedAt = new Date();
    const after = parseKeyRing(JSON.stringify(await rotateKeyRing(before, rotatedAt, TTL)));
    const newRing = await loadKeyRing(after, TTL);
    expect(newRing.activeKid).not.toBe(oldRing.activeKid);
    expect(after.keys.find((key) => key.kid === oldRing.activeKid)?.retiredAt).toBe(rotatedAt.toISOString());

    const newToken = await createTokenIssuer({
      keyRing: newRing,
      issuer: 'iss',
      accessTtlSeconds: TTL,
    }).signAccessToken({
      userId: '42',
      username: 'alice',
      sessionId: '00000000-0000-4000-8000-000000000000',
    });
    const header = JSON.parse(Buffer.from(newToken.accessToken.split('.')[0] as string, 'base64url').toString());
    expect(header).toMatchObject({ alg: 'EdDSA', kid: newRing.activeKid });

    const verifier = createAccessTokenVerifier({
      jwks: newRing.publicJwks(),
      issuer: 'iss',
      audience: ACCESS_AUDIENCE,
    });
    await expect(verifier.verify(oldToken.accessToken)).resolves.toMatchObject({ userId: '42', username: 'alice' });
    await expect(verifier.verify(newToken.accessToken)).resolves.toMatchObject({ userId: '42' });

    // After the window the retired key is no longer published, and a second rotation drops it.
    const later = new Date(rotatedAt.getTime() + (TTL + 1) * 1000);
    expect(newRing.publicJwks(later).keys.map((key) => key.kid)).toEqual([newRing.activeKid]);
    const again = await rotateKeyRing(after, later, TTL);
    expect(again.keys.map((key) => key.kid)).not.toContain(oldRing.activeKid);
    expect(again.keys.filter((key) => key.retiredAt === undefined)).toHaveLength(1);
  });

  it('refuses malformed rings: not JSON, public keys only, no active key, duplicate kids', async () => {
    const good = await newKeyRing(new Date());
    const key = good.keys[0] as (typeof good.keys)[number];
    expect(() => parseKeyRing('{')).toThrow(KeyRingError);
    expect(() => parseKeyRing(JSON.stringify({ keys: [{ ...key, d: undefined }] }))).toThrow(KeyRingError);
    expect(() => parseKeyRing(JSON.stringify({ keys: [{ ...key, retiredAt: new Date().toISOString() }] }))).toThrow(
      /exactly one active key/,
    );
    expect(() => parseKeyRing(JSON.stringify({ keys: [key, key] }))).toThrow(/duplicate kids/);
  });
});
