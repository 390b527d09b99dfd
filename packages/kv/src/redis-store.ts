// The production adapter: Redis through ioredis.
//
// Failure behaviour is the point of most of the options below. A service must learn at once that Redis is
// gone (to answer 503, or fall back) instead of piling up requests that hang; and it must recover by itself
// when Redis returns, without anyone recreating the store.
import { UnavailableError } from '@scalegram/contracts/errors';
import { Redis } from 'ioredis';
import { checkRateLimitOptions } from './argument-checks.ts';
import { bindCommands, type CommandCall, createBatch } from './command-call.ts';
import type { KeyValueStore } from './port.ts';
import { RATE_LIMIT_LUA, toRateLimitResult } from './rate-limit-script.ts';
import { encodeCommand } from './redis-commands.ts';
import { toStoreError } from './redis-errors.ts';

export interface RedisStoreOptions {
  /** e.g. `redis://127.0.0.1:6379/0` */
  url: string;
  /** Prepended to every key, so that several services (or test suites) can share one Redis. */
  keyPrefix?: string;
  /** Give up on connecting after this long. Default 2000 ms. */
  connectTimeoutMs?: number;
  /** Fail a command that gets no reply within this long (a hung, not dead, server). Default 2000 ms. */
  commandTimeoutMs?: number;
  /** Connection errors while reconnecting (for logging); commands report them as `UnavailableError`. */
  onConnectionError?: (error: Error) => void;
}

interface RateLimitCommand {
  scalegramRateLimit(key: string, windowMs: number): Promise<unknown>;
}

/** Connects before resolving, so that the first command does not race the connection. */
export async function createRedisStore(options: RedisStoreOptions): Promise<KeyValueStore> {
  const prefix = options.keyPrefix ?? '';
  const redis = new Redis(options.url, {
    lazyConnect: true,
    // RESP2 replies have the classic shapes that redis-commands.ts decodes (flat WITHSCORES arrays, flat
    // HGETALL arrays); RESP3 would turn them into nested pairs and maps.
    protocol: 2,
    // While disconnected, reject commands at once instead of queueing them until Redis returns.
    enableOfflineQueue: false,
    // Reject commands in flight when the connection drops instead of resending them after reconnecting:
    // a resent INCR could count twice, and the caller has long stopped waiting anyway.
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    connectTimeout: options.connectTimeoutMs ?? 2000,
    // disconnect() waits this long for the socket to close, and on a socket that had already closed (Redis
    // down) that timer would keep the process alive for ioredis's default 2 s after close().
    disconnectTimeout: 100,
    commandTimeout: options.commandTimeoutMs ?? 2000,
    // Keep trying to reconnect forever, backing off up to 1 s between attempts.
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 1000),
  });
  // Without a listener ioredis prints every reconnection error; the commands report them anyway.
  redis.on('error', options.onConnectionError ?? (() => {}));
  // EVALSHA with a fallback to EVAL: after a Redis restart the script cache is empty and is refilled.
  redis.defineCommand('scalegramRateLimit', { numberOfKeys: 1, lua: RATE_LIMIT_LUA });
  const scripts = redis as unknown as RateLimitCommand;

  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw toStoreError(error);
  }

  async function send(call: CommandCall): Promise<unknown> {
    const { command, args, decode } = encodeCommand(prefix, call);
    try {
      return decode(await redis.call(command, args));
    } catch (error) {
      throw toStoreError(error);
    }
  }

  // MULTI/EXEC in one round trip: atomic and isolated, no rollback (see KeyValueBatch in port.ts).
  async function sendAll(calls: readonly CommandCall[]): Promise<unknown[]> {
    const encodedCalls = calls.map((call) => encodeCommand(prefix, call));
    const transaction = redis.multi();
    for (const { command, args } of encodedCalls) transaction.call(command, args);
    let replies: [Error | null, unknown][] | null;
    try {
      replies = await transaction.exec();
    } catch (error) {
      throw toStoreError(error);
    }
    // A null reply means a WATCHed key changed; this adapter never WATCHes, but the type allows it.
    if (!replies) throw new UnavailableError('Redis discarded the transaction', { code: 'kv-unavailable' });
    const failure = replies.find(([error]) => error !== null)?.[0];
    if (failure) throw toStoreError(failure);
    return replies.map(([, reply], i) => encodedCalls[i]!.decode(reply));
  }

  // QUIT lets replies still in flight arrive first; a connection that is down is simply dropped.
  async function shutDown(): Promise<void> {
    if (redis.status !== 'ready') return redis.disconnect();
    try {
      await redis.quit();
    } catch {
      redis.disconnect();
    }
  }

  let closing: Promise<void> | undefined;

  return {
    ...bindCommands(send),
    batch: () => createBatch(sendAll),
    async rateLimit(key, limitOptions) {
      checkRateLimitOptions(limitOptions);
      try {
        const reply = await scripts.scalegramRateLimit(prefix + key, limitOptions.windowMs);
        return toRateLimitResult(reply, limitOptions);
      } catch (error) {
        throw toStoreError(error);
      }
    },
    async ping() {
      try {
        await redis.ping();
      } catch (error) {
        throw toStoreError(error);
      }
    },
    close() {
      closing ??= shutDown();
      return closing;
    },
  };
}
