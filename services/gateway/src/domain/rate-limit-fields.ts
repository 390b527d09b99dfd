// The IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers-11, May 2026; ADR 0020).
// Both are Structured Field Lists (RFC 9651) whose items are a quoted policy name with parameters:
//   RateLimit-Policy: "default";q=50;w=60     quota q per window of w seconds (stable across responses)
//   RateLimit: "default";r=49;t=37            r still available, t seconds until the window resets
import type { RateLimitResult } from '@scalegram/kv/port';

export interface RateLimitPolicy {
  /** Policy name; an SF String, so it may not contain `"` or `\`. */
  name: string;
  limit: number;
  windowMs: number;
}

const POLICY_NAME = /^[\x20-\x21\x23-\x5b\x5d-\x7e]+$/;

function checkPolicy(policy: RateLimitPolicy): void {
  if (!POLICY_NAME.test(policy.name)) throw new RangeError(`policy name is not a valid SF string: ${policy.name}`);
  if (!Number.isInteger(policy.limit) || policy.limit < 0) throw new RangeError('limit must be a non-negative integer');
  if (!(policy.windowMs > 0)) throw new RangeError('windowMs must be positive');
}

/** Whole seconds, rounded up: the draft has no sub-second precision, and rounding down would invite
 *  a client to come back a moment before the window has actually reset. */
export function secondsCeil(ms: number): number {
  return Math.max(0, Math.ceil(ms / 1000));
}

export function rateLimitPolicyField(policy: RateLimitPolicy): string {
  checkPolicy(policy);
  // w must be a non-zero integer.
  return `"${policy.name}";q=${policy.limit};w=${Math.max(1, secondsCeil(policy.windowMs))}`;
}

export function rateLimitField(policy: RateLimitPolicy, result: Pick<RateLimitResult, 'remaining' | 'resetMs'>) {
  checkPolicy(policy);
  return `"${policy.name}";r=${Math.max(0, Math.floor(result.remaining))};t=${secondsCeil(result.resetMs)}`;
}

/**
 * Retry-After for a refused request: the seconds until the window resets, at least 1 (a 0 would
 * invite an immediate retry that is certain to be refused again).
 */
export function retryAfterSeconds(result: Pick<RateLimitResult, 'resetMs'>): number {
  return Math.max(1, secondsCeil(result.resetMs));
}

/**
 * Joins our field with the same field from an upstream (auth's login throttling, say): SF Lists
 * combine by concatenation with a comma, so the client sees every policy that applied.
 */
export function combineListFields(ours: string, theirs: string | string[] | undefined): string {
  if (theirs === undefined) return ours;
  const extra = (Array.isArray(theirs) ? theirs : [theirs]).map((value) => value.trim()).filter(Boolean);
  return [ours, ...extra].join(', ');
}
