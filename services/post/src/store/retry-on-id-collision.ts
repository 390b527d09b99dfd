// Two replicas issuing ids for one logical shard in the same millisecond collide only if their random
// sequence windows overlap (ADR 0005); the primary key catches it, and the write is retried with a
// fresh id. Nothing was written by the failed attempt: its transaction rolled back.
import { UniqueViolationError } from '@scalegram/relational/errors';

const MAX_ATTEMPTS = 3;

export async function retryOnIdCollision<T>(primaryKey: string, run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const collided = error instanceof UniqueViolationError && error.constraint === primaryKey;
      if (!collided || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}
