// Rotation seen through the running service: after `rotateKeyRing`, the JWKS publishes the new and the
// retired key, new tokens carry the new kid, and a token signed by the previous key is still accepted.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadKeyRing, newKeyRing, rotateKeyRing, type StoredKeyRing } from '../src/keys/key-ring.ts';
import { createTokenIssuer } from '../src/keys/token-issuer.ts';
import { type AuthHarness, ISSUER, register, startAuthHarness, uniqueUsername } from './support/auth-harness.ts';

let harness: AuthHarness;
let previous: StoredKeyRing;
beforeAll(async () => {
  previous = await newKeyRing(new Date(Date.now() - 86_400_000));
  harness = await startAuthHarness({}, await rotateKeyRing(previous, new Date(), 900));
});
afterAll(async () => {
  await harness.close();
});

const kidOf = (token: string) =>
  (JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString()) as { kid: string }).kid;

describe('key rotation in the running service', () => {
  it('publishes both keys, signs with the new one, and still accepts tokens of the previous one', async () => {
    const oldKid = previous.keys[0]?.kid as string;
    const jwks = (await harness.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as {
      keys: { kid: string; d?: string }[];
    };
    expect(jwks.keys.map((key) => key.kid).sort()).toEqual([oldKid, harness.keyRing.activeKid].sort());
    expect(jwks.keys.every((key) => key.d === undefined)).toBe(true);

    const { session } = await register(harness, uniqueUsername('Rotate'), 'old password 1');
    expect(kidOf(session.accessToken)).toBe(harness.keyRing.activeKid);
    expect(harness.keyRing.activeKid).not.toBe(oldKid);

    // A token the previous key signed just before the rotation, for the same session.
    const claims = JSON.parse(Buffer.from(session.accessToken.split('.')[1] as string, 'base64url').toString());
    const oldIssuer = createTokenIssuer({
      keyRing: await loadKeyRing(previous, 900),
      issuer: ISSUER,
      accessTtlSeconds: 900,
    });
    const { accessToken } = await oldIssuer.signAccessToken({
      userId: session.user.id,
      username: session.user.username,
      sessionId: claims.sid,
    });
    expect(kidOf(accessToken)).toBe(oldKid);
    const response = await harness.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: { authorization: `Bearer ${accessToken}` },
      payload: { currentPassword: 'old password 1', newPassword: 'new password 2' },
    });
    expect(response.statusCode).toBe(204);
  });
});
