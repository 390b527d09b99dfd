import { describe, expect, it } from '@jest/globals';
import type { AccessTokenVerifier, Identity } from '@scalegram/kit/access-token';
import { invalidToken } from '@scalegram/kit/access-token';
import { withVerifiedTokenCache } from '../src/verified-token-cache.ts';

const START = 1_800_000_000_000;

/** A verifier that accepts tokens named `valid-<seconds to expiry>` and counts its calls. */
function countingVerifier(clock: { now: number }) {
  const calls: string[] = [];
  const verifier: AccessTokenVerifier = {
    async verify(token) {
      calls.push(token);
      const match = /^valid-(\d+)$/.exec(token);
      if (!match) throw invalidToken('bad');
      const identity: Identity = {
        subject: '1',
        userId: '1',
        username: 'a',
        sessionId: 's',
        tokenId: token,
        scope: [],
        expiresAt: new Date(clock.now + Number(match[1]) * 1000),
      };
      return identity;
    },
  };
  return { verifier, calls };
}

describe('verified-token cache', () => {
  it('verifies a token once and then answers from memory', async () => {
    const clock = { now: START };
    const { verifier, calls } = countingVerifier(clock);
    const cached = withVerifiedTokenCache(verifier, { maxEntries: 10, maxAgeMs: 60_000, now: () => clock.now });
    const first = await cached.verify('valid-900');
    expect(await cached.verify('valid-900')).toBe(first);
    expect(calls).toEqual(['valid-900']);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('never caches a refusal', async () => {
    const clock = { now: START };
    const { verifier, calls } = countingVerifier(clock);
    const cached = withVerifiedTokenCache(verifier, { maxEntries: 10, maxAgeMs: 60_000, now: () => clock.now });
    await expect(cached.verify('forged')).rejects.toMatchObject({ status: 401 });
    await expect(cached.verify('forged')).rejects.toMatchObject({ status: 401 });
    expect(calls).toEqual(['forged', 'forged']);
  });

  it('forgets an entry at maxAge, and never keeps one past the token expiry', async () => {
    const clock = { now: START };
    const { verifier, calls } = countingVerifier(clock);
    const cached = withVerifiedTokenCache(verifier, { maxEntries: 10, maxAgeMs: 60_000, now: () => clock.now });
    await cached.verify('valid-900');
    await cached.verify('valid-10');
    clock.now += 10_000;
    await cached.verify('valid-900'); // still fresh
    await cached.verify('valid-10'); // its token expired: verified again (and the verifier decides)
    clock.now += 50_000;
    await cached.verify('valid-900'); // maxAge reached
    expect(calls).toEqual(['valid-900', 'valid-10', 'valid-10', 'valid-900']);
  });

  it('drops the oldest entry when full, and can be switched off', async () => {
    const clock = { now: START };
    const { verifier, calls } = countingVerifier(clock);
    const cached = withVerifiedTokenCache(verifier, { maxEntries: 2, maxAgeMs: 60_000, now: () => clock.now });
    await cached.verify('valid-100');
    await cached.verify('valid-200');
    await cached.verify('valid-300'); // evicts valid-100
    await cached.verify('valid-200');
    await cached.verify('valid-100');
    expect(calls).toEqual(['valid-100', 'valid-200', 'valid-300', 'valid-100']);
    expect(withVerifiedTokenCache(verifier, { maxEntries: 0, maxAgeMs: 1 })).toBe(verifier);
  });
});
