import { randomUUID } from 'node:crypto';
import { afterAll } from '@jest/globals';
import { Redis } from 'ioredis';
import { createRedisStore } from '../src/redis-store.ts';
import { describeKeyValueContract } from './contract/kv-contract.ts';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// Many suites share this Redis: everything this one writes lives under its own prefix.
const keyPrefix = `test:kv:${randomUUID()}:`;

describeKeyValueContract('redis', () => createRedisStore({ url, keyPrefix }));

afterAll(async () => {
  const redis = new Redis(url);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await redis.quit();
});
