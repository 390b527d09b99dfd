// Forged and misused access tokens on the one route that requires one (password change): all 401,
// and the password stays unchanged.
import type { webcrypto } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeyPair, SignJWT } from 'jose';
import {
  type AuthHarness,
  ISSUER,
  login,
  register,
  type Session,
  startAuthHarness,
  uniqueUsername,
} from './support/auth-harness.ts';

let harness: AuthHarness;
let session: Session;
let username: string;
beforeAll(async () => {
  harness = await startAuthHarness();
  username = uniqueUsername('Victim');
  session = (await register(harness, username)).session;
});
afterAll(async () => {
  await harness.close();
});

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const claims = () => JSON.parse(Buffer.from(session.accessToken.split('.')[1] as string, 'base64url').toString());

async function sign(overrides: {
  issuer?: string;
  audience?: string;
  expired?: boolean;
  key?: webcrypto.CryptoKey;
  kid?: string;
}) {
  const key = overrides.key ?? harness.keyRing.signingKey;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ username, sid: claims().sid })
    .setProtectedHeader({ alg: 'EdDSA', kid: overrides.kid ?? harness.keyRing.activeKid })
    .setIssuer(overrides.issuer ?? ISSUER)
    .setAudience(overrides.audience ?? 'scalegram')
    .setSubject(session.user.id)
    .setIssuedAt(overrides.expired ? now - 7200 : now)
    .setExpirationTime(overrides.expired ? now - 3600 : now + 600)
    .sign(key);
}

const attempt = (token: string) =>
  harness.app.inject({
    method: 'POST',
    url: '/api/v1/auth/password',
    headers: { authorization: `Bearer ${token}` },
    payload: { currentPassword: 'correct horse battery', newPassword: 'taken over password' },
  });

describe('token attacks on POST /api/v1/auth/password', () => {
  it('a correctly signed token is accepted (control), then every forgery is 401', async () => {
    const [header, payload, signature] = session.accessToken.split('.') as [string, string, string];
    const other = (await generateKeyPair('EdDSA', { crv: 'Ed25519' })).privateKey;
    const forged: Record<string, string> = {
      'tampered payload': `${header}.${b64({ ...claims(), sub: '1' })}.${signature}`,
      'tampered signature': `${header}.${payload}.${signature.slice(0, -4)}AAAA`,
      'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      'HS256 header': `${b64({ alg: 'HS256', kid: harness.keyRing.activeKid })}.${payload}.${signature}`,
      'wrong key, same kid': await sign({ key: other }),
      'wrong key, unknown kid': await sign({ key: other, kid: 'unknown-kid' }),
      expired: await sign({ expired: true }),
      'wrong audience (service token audience)': await sign({ audience: 'scalegram-internal' }),
      'wrong issuer': await sign({ issuer: 'someone-else' }),
      'not a JWT': 'garbage',
    };
    for (const [name, token] of Object.entries(forged)) {
      const response = await attempt(token);
      expect([name, response.statusCode]).toEqual([name, 401]);
      expect([name, response.headers['content-type']]).toEqual([
        name,
        expect.stringContaining('application/problem+json'),
      ]);
    }
    // Nothing changed: the old password still logs in.
    expect((await login(harness, username)).statusCode).toBe(200);
    // Control: our own freshly signed token with the same claims works.
    expect((await attempt(await sign({}))).statusCode).toBe(204);
  });
});
