// How each port command is spelled in Redis, and how its reply becomes the port's result type.
// Keys are prefixed here, explicitly, rather than by ioredis's `keyPrefix` option, so that what is sent
// is visible in one place (and identical for single commands, transactions and the Lua script).
import type { CommandCall } from './command-call.ts';
import { DEFAULT_TIMELINE_LENGTH, type LimitedRangeOptions, type ScoreBound, type ScoredMember } from './port.ts';

export type RedisArgument = string | number;
export interface EncodedCommand {
  command: string;
  args: RedisArgument[];
  decode(reply: unknown): unknown;
}

/** Redis spells infinities `+inf`/`-inf` and reads scores back with the same spelling. */
function formatScore(score: number): string {
  if (score === Number.POSITIVE_INFINITY) return '+inf';
  if (score === Number.NEGATIVE_INFINITY) return '-inf';
  return String(score);
}

export function parseScore(reply: unknown): number {
  const text = String(reply);
  if (text === 'inf' || text === '+inf') return Number.POSITIVE_INFINITY;
  if (text === '-inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

function formatScoreBound(bound: ScoreBound): string {
  return typeof bound === 'number' ? formatScore(bound) : `(${formatScore(bound.exclusive)}`;
}

/** A WITHSCORES reply is a flat [member, score, member, score, …] array. */
function toScoredMembers(reply: unknown): ScoredMember[] {
  const flat = reply as string[];
  const members: ScoredMember[] = [];
  for (let i = 0; i < flat.length; i += 2) members.push({ member: flat[i]!, score: parseScore(flat[i + 1]) });
  return members;
}

/** HGETALL replies [field, value, field, value, …]; ioredis may already have made it an object. */
function toRecord(reply: unknown): Record<string, string> {
  if (!Array.isArray(reply)) return { ...(reply as Record<string, string>) };
  const record: Record<string, string> = {};
  for (let i = 0; i < reply.length; i += 2) record[reply[i] as string] = reply[i + 1] as string;
  return record;
}

function limitArgs({ offset, count }: LimitedRangeOptions = {}): RedisArgument[] {
  return offset === undefined && count === undefined ? [] : ['LIMIT', offset ?? 0, count ?? -1];
}

/** ZRANGE … BYSCORE|BYLEX [REV]: with REV, Redis takes the bounds as max then min. */
function rangeArgs(min: string, max: string, by: 'BYSCORE' | 'BYLEX', options: LimitedRangeOptions = {}) {
  return options.rev ? [max, min, by, 'REV', ...limitArgs(options)] : [min, max, by, ...limitArgs(options)];
}

const asIs = (reply: unknown) => reply;
const isOne = (reply: unknown) => reply === 1;

function encoded(command: string, args: RedisArgument[], decode: (reply: unknown) => unknown): EncodedCommand {
  return { command, args, decode };
}

export function encodeCommand(prefix: string, call: CommandCall): EncodedCommand {
  const key = prefix + (call.args[0] as string);
  switch (call.name) {
    case 'get':
      return encoded('GET', [key], asIs);
    case 'mget':
      return encoded(
        'MGET',
        call.args[0].map((k) => prefix + k),
        asIs,
      );
    case 'set': {
      const { ttlMs, onlyIfAbsent } = call.args[2] ?? {};
      const extra = [...(ttlMs === undefined ? [] : ['PX', ttlMs]), ...(onlyIfAbsent ? ['NX'] : [])];
      return encoded('SET', [key, call.args[1], ...extra], (reply) => reply === 'OK');
    }
    case 'del':
      return encoded(
        'DEL',
        call.args.map((k) => prefix + k),
        asIs,
      );
    case 'expire':
      return encoded('PEXPIRE', [key, call.args[1]], isOne);
    case 'ttl':
      return encoded('PTTL', [key], asIs);
    case 'incrBy':
      return encoded('INCRBY', [key, call.args[1]], asIs);
    case 'hget':
      return encoded('HGET', [key, call.args[1]], asIs);
    case 'hset':
      return encoded('HSET', [key, ...Object.entries(call.args[1]).flat()], asIs);
    case 'hgetall':
      return encoded('HGETALL', [key], toRecord);
    case 'hdel':
      return encoded('HDEL', [key, ...call.args.slice(1)], asIs);
    case 'hincrBy':
      return encoded('HINCRBY', [key, call.args[1], call.args[2]], asIs);
    case 'zadd':
      return encoded('ZADD', [key, ...call.args[1].flatMap((m) => [formatScore(m.score), m.member])], asIs);
    case 'zrem':
      return encoded('ZREM', [key, ...call.args.slice(1)], asIs);
    case 'zcard':
      return encoded('ZCARD', [key], asIs);
    case 'zscore':
      return encoded('ZSCORE', [key, call.args[1]], (reply) => (reply === null ? null : parseScore(reply)));
    case 'zrange': {
      const [, start, stop, options] = call.args;
      return encoded('ZRANGE', [key, start, stop, ...(options?.rev ? ['REV'] : []), 'WITHSCORES'], toScoredMembers);
    }
    case 'zrangeByScore': {
      const [, min, max, options] = call.args;
      const args = rangeArgs(formatScoreBound(min), formatScoreBound(max), 'BYSCORE', options);
      return encoded('ZRANGE', [key, ...args, 'WITHSCORES'], toScoredMembers);
    }
    case 'zrangeByLex': {
      const [, min, max, options] = call.args;
      return encoded('ZRANGE', [key, ...rangeArgs(min, max, 'BYLEX', options)], asIs);
    }
    case 'zremRangeByRank':
      return encoded('ZREMRANGEBYRANK', [key, call.args[1], call.args[2]], asIs);
    case 'ztrim':
      // Ranks ascend by score: removing 0 … -(maxLen+1) keeps exactly the maxLen highest.
      return encoded('ZREMRANGEBYRANK', [key, 0, -(call.args[1] ?? DEFAULT_TIMELINE_LENGTH) - 1], asIs);
  }
}
