// Fixed-window rate limiting as one Lua script (ADR 0008). Redis runs a script atomically, so INCR, the
// first-hit PEXPIRE and the PTTL read can never interleave with another client's: under any concurrency
// exactly `limit` calls per window are admitted, in one round trip.
import type { RateLimitOptions, RateLimitResult } from './port.ts';

export const RATE_LIMIT_LUA = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  -- A counter without a TTL (written by hand, or restored without it) would never reset: give it one.
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }
`;

/** The script returns { count, ttl }; the port's result is derived from them the same way in memory. */
export function toRateLimitResult(reply: unknown, { limit }: RateLimitOptions): RateLimitResult {
  const [count, resetMs] = reply as [number, number];
  return { allowed: count <= limit, limit, remaining: Math.max(0, limit - count), resetMs };
}
