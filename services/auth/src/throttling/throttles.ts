// Throttling with the key-value store's fixed-window `rateLimit` (atomic in Redis, ADR 0008).
//
//   login per address   counts every attempt: slows one machine spraying many usernames.
//   login per username  counts every attempt and a SUCCESSFUL login resets it, so in effect it
//                       counts consecutive failures. Counting before verifying (rather than
//                       "check, verify, count the failure") keeps it atomic: 50 concurrent guesses
//                       cannot all slip through a check that has not seen the others yet.
//   register per address counts every attempt.
//
// The username throttle is also a lever for denial of service (anyone can lock a user out for one
// window by failing on purpose); the window is short (15 min) and the address throttle still lets
// the real user in from elsewhere once the window ends. See README.md.
import { HttpProblem } from '@scalegram/kit/http-problem';
import type { KeyValueStore, RateLimitOptions } from '@scalegram/kv/port';

export interface ThrottleLimits {
  loginPerUsername: RateLimitOptions;
  loginPerAddress: RateLimitOptions;
  registerPerAddress: RateLimitOptions;
}

export interface Throttles {
  /** Counts a login attempt; throws 429 when the address or the username is over its budget. */
  admitLogin(address: string, username: string): Promise<void>;
  /** A successful login clears the username's count. */
  loginSucceeded(username: string): Promise<void>;
  /** Counts a check of the current password on the password-change route (same budget, per user id). */
  admitPasswordCheck(userId: string): Promise<void>;
  passwordCheckSucceeded(userId: string): Promise<void>;
  admitRegistration(address: string): Promise<void>;
}

const usernameKey = (username: string) => `login:user:${username.toLowerCase()}`;
const passwordKey = (userId: string) => `password:user:${userId}`;

export function tooManyRequests(resetMs: number, what: string): HttpProblem {
  const seconds = Math.max(1, Math.ceil(resetMs / 1000));
  return new HttpProblem(429, 'too-many-requests', 'Too many requests', {
    detail: `Too many ${what}; retry in ${seconds} s.`,
    headers: { 'retry-after': String(seconds) },
    extra: { retryAfterSeconds: seconds },
  });
}

export function createThrottles(kv: KeyValueStore, limits: ThrottleLimits): Throttles {
  const admit = async (key: string, options: RateLimitOptions, what: string) => {
    const result = await kv.rateLimit(key, options);
    if (!result.allowed) throw tooManyRequests(result.resetMs, what);
  };
  return {
    async admitLogin(address, username) {
      await admit(`login:addr:${address}`, limits.loginPerAddress, 'login attempts from this address');
      await admit(usernameKey(username), limits.loginPerUsername, 'failed logins for this username');
    },
    async loginSucceeded(username) {
      await kv.del(usernameKey(username));
    },
    admitPasswordCheck: (userId) =>
      admit(passwordKey(userId), limits.loginPerUsername, 'failed password checks for this user'),
    async passwordCheckSucceeded(userId) {
      await kv.del(passwordKey(userId));
    },
    admitRegistration: (address) =>
      admit(`register:addr:${address}`, limits.registerPerAddress, 'registrations from this address'),
  };
}
