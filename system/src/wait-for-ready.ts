// Polls a readiness URL until it answers 200, as a Kubernetes readiness probe would.

export async function waitForReady(url: string, timeoutMs: number, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await response.body?.cancel();
      if (response.status === 200) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`${url} was not ready within ${timeoutMs} ms (${last})`);
}

/** Waits for every URL at once; resolves when all answer 200. */
export async function waitForAllReady(urls: readonly string[], timeoutMs: number): Promise<void> {
  await Promise.all(urls.map((url) => waitForReady(url, timeoutMs)));
}
