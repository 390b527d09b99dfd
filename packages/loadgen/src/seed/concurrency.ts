// Bounded concurrency over a task list: `concurrency` workers pull the next task until none is left.
// The first failure stops the others from starting new tasks and is rethrown once they have settled.

export async function forEachConcurrent<T>(
  tasks: Iterable<T>,
  concurrency: number,
  run: (task: T) => Promise<void>,
): Promise<void> {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  }
  const iterator = tasks[Symbol.iterator]();
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (failure === undefined) {
      const next = iterator.next();
      if (next.done) return;
      try {
        await run(next.value);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (failure !== undefined) throw failure.error;
}
