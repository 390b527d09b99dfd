// A unique key prefix on a real Redis for one test file, and the cleanup that removes every key under
// it afterwards (SCAN + DEL; FLUSHALL is only ever sent to a private redis-server).
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export function uniquePrefix(name: string): string {
  return `${name}:${randomBytes(5).toString('hex')}:`;
}

export async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (found.length > 0) await redis.del(...found);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
