// Login throttling per username and per client address, and registration per address: 429
// problem+json with Retry-After, counted in Redis.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthHarness, login, register, startAuthHarness, uniqueUsername } from './support/auth-harness.ts';

let harness: AuthHarness;
beforeAll(async () => {
  harness = await startAuthHarness({
    limits: {
      loginPerUsername: { limit: 3, windowMs: 60_000 },
      loginPerAddress: { limit: 12, windowMs: 60_000 },
      registerPerAddress: { limit: 4, windowMs: 60_000 },
    },
  });
});
afterAll(async () => {
  await harness.close();
});

const loginFrom = (remoteAddress: string, username: string, password: string) =>
  harness.app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress, payload: { username, password } });

describe('throttling', () => {
  it('per username: after 3 failed attempts even the right password gets 429 with Retry-After', async () => {
    const username = uniqueUsername('Brute');
    await register(harness, username);
    for (let i = 0; i < 3; i++) expect((await loginFrom(`10.0.1.${i}`, username, 'wrong guess')).statusCode).toBe(401);
    const blocked = await loginFrom('10.0.1.99', username, 'correct horse battery');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['content-type']).toContain('application/problem+json');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(blocked.json()).toMatchObject({ code: 'too-many-requests' });
  });

  it('per username: a successful login resets the count', async () => {
    const username = uniqueUsername('Typo');
    await register(harness, username);
    for (let round = 0; round < 3; round++) {
      expect((await login(harness, username, 'typo typo')).statusCode).toBe(401);
      expect((await login(harness, username, 'typo typo')).statusCode).toBe(401);
      expect((await login(harness, username)).statusCode).toBe(200);
    }
  });

  it('concurrent guesses cannot slip past the username budget', async () => {
    const username = uniqueUsername('Burst');
    await register(harness, username);
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => loginFrom(`10.0.2.${i}`, username, `guess number ${i}`)),
    );
    const codes = responses.map((response) => response.statusCode);
    expect(codes.filter((code) => code === 401)).toHaveLength(3);
    expect(codes.filter((code) => code === 429)).toHaveLength(7);
  });

  it('per address: one address spraying many usernames is stopped', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 14; i++)
      codes.push((await loginFrom('10.0.3.1', uniqueUsername('spray'), 'password1')).statusCode);
    expect(codes.slice(0, 12).every((code) => code === 401)).toBe(true);
    expect(codes.slice(12)).toEqual([429, 429]);
    // Another address is not affected.
    expect((await loginFrom('10.0.3.2', uniqueUsername('spray'), 'password1')).statusCode).toBe(401);
  });

  it('registration per address: the 5th registration from one address is 429, and writes nothing', async () => {
    const registerFrom = (remoteAddress: string) =>
      harness.app.inject({
        method: 'POST',
        url: '/api/v1/auth/register',
        remoteAddress,
        payload: { username: uniqueUsername('Bulk'), password: 'long enough password' },
      });
    for (let i = 0; i < 4; i++) expect((await registerFrom('10.0.4.1')).statusCode).toBe(201);
    const profiles = harness.users.profiles.size;
    const blocked = await registerFrom('10.0.4.1');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['retry-after']).toBeDefined();
    expect(harness.users.profiles.size).toBe(profiles);
  });
});
