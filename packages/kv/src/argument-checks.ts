// Argument checks shared by both adapters, run before anything is sent or changed. Checking here, once,
// is what keeps the adapters identical on bad input: Redis would reject most of these with its own
// message (or, worse, accept a NaN score as a string), the in-memory store would not know to.
import type { CommandCall } from './command-call.ts';
import type { LexBound, LimitedRangeOptions, RateLimitOptions, ScoreBound } from './port.ts';

function fail(message: string): never {
  throw new RangeError(message);
}

function checkInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value)) fail(`${name} must be a safe integer, got ${value}`);
}

function checkPositive(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value <= 0) fail(`${name} must be a positive integer, got ${value}`);
}

function checkNonNegative(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) fail(`${name} must be a non-negative integer, got ${value}`);
}

function checkNotEmpty(name: string, items: readonly unknown[]): void {
  if (items.length === 0) fail(`${name} needs at least one item`);
}

function checkScore(name: string, score: number): void {
  if (typeof score !== 'number' || Number.isNaN(score)) fail(`${name} must be a number, got ${score}`);
}

function checkScoreBound(name: string, bound: ScoreBound): void {
  checkScore(name, typeof bound === 'number' ? bound : bound.exclusive);
}

function checkLexBound(name: string, bound: LexBound): void {
  const valid = bound === '-' || bound === '+' || bound.startsWith('[') || bound.startsWith('(');
  if (!valid) fail(`${name} must be '-', '+', or start with '[' or '(', got ${JSON.stringify(bound)}`);
}

function checkLimit(options: LimitedRangeOptions = {}): void {
  if (options.offset !== undefined) checkNonNegative('offset', options.offset);
  if (options.count !== undefined) checkNonNegative('count', options.count);
}

export function checkRateLimitOptions(options: RateLimitOptions): void {
  checkPositive('limit', options.limit);
  checkPositive('windowMs', options.windowMs);
}

/** Throws a `RangeError` describing the first invalid argument of the call. */
export function checkCall(call: CommandCall): void {
  switch (call.name) {
    case 'set': {
      const ttlMs = call.args[2]?.ttlMs;
      if (ttlMs !== undefined) checkPositive('ttlMs', ttlMs);
      break;
    }
    case 'expire':
      checkPositive('ttlMs', call.args[1]);
      break;
    case 'incrBy':
      checkInteger('by', call.args[1]);
      break;
    case 'hincrBy':
      checkInteger('by', call.args[2]);
      break;
    case 'mget':
      checkNotEmpty('mget', call.args[0]);
      break;
    case 'del':
      checkNotEmpty('del', call.args);
      break;
    case 'hset':
      checkNotEmpty('hset', Object.keys(call.args[1]));
      break;
    case 'hdel':
      checkNotEmpty('hdel', call.args.slice(1));
      break;
    case 'zrem':
      checkNotEmpty('zrem', call.args.slice(1));
      break;
    case 'zadd':
      checkNotEmpty('zadd', call.args[1]);
      for (const { score } of call.args[1]) checkScore('score', score);
      break;
    case 'zrange':
    case 'zremRangeByRank':
      checkInteger('start', call.args[1]);
      checkInteger('stop', call.args[2]);
      break;
    case 'zrangeByScore':
      checkScoreBound('min', call.args[1]);
      checkScoreBound('max', call.args[2]);
      checkLimit(call.args[3]);
      break;
    case 'zrangeByLex':
      checkLexBound('min', call.args[1]);
      checkLexBound('max', call.args[2]);
      checkLimit(call.args[3]);
      break;
    case 'ztrim':
      if (call.args[1] !== undefined) checkNonNegative('maxLen', call.args[1]);
      break;
  }
}
