// An id collision on the primary key is retried with a fresh id; any other unique violation is not.
import { describe, expect, it } from '@jest/globals';
import { UniqueViolationError } from '@scalegram/relational/errors';
import { retryOnIdCollision } from '../src/store/retry-on-id-collision.ts';

describe('retryOnIdCollision', () => {
  it('retries a primary-key collision, up to three attempts', async () => {
    let attempts = 0;
    const result = await retryOnIdCollision('posts_pkey', async () => {
      attempts++;
      if (attempts < 3) throw new UniqueViolationError('posts_pkey', new Error('23505'));
      return 'ok';
    });
    expect([result, attempts]).toEqual(['ok', 3]);
    attempts = 0;
    await expect(
      retryOnIdCollision('posts_pkey', async () => {
        attempts++;
        throw new UniqueViolationError('posts_pkey', new Error('23505'));
      }),
    ).rejects.toBeInstanceOf(UniqueViolationError);
    expect(attempts).toBe(3);
  });

  it('does not retry another constraint or another error', async () => {
    let attempts = 0;
    await expect(
      retryOnIdCollision('posts_pkey', async () => {
        attempts++;
        throw new UniqueViolationError('likes_pkey', new Error('23505'));
      }),
    ).rejects.toBeInstanceOf(UniqueViolationError);
    expect(attempts).toBe(1);
  });
});
