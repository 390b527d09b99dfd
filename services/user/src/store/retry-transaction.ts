// Postgres may abort a transaction to break a deadlock (40P01) or a serialization conflict (40001).
// Nothing was written, so running it again is safe and is what the caller would have to do anyway.
// Follows lock rows in id order and should not deadlock; deleting a user updates many rows at once
// and can, rarely, meet a concurrent follow — that is what this retry is for.
const RETRYABLE = new Set(['40P01', '40001']);
const MAX_ATTEMPTS = 5;

function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE.has(code);
}

export async function retryOnConflict<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
      // A short random pause, so the two transactions do not collide again in lockstep.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
  }
}
