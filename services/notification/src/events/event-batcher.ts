// Gathers the events a consumer's concurrent handlers are given at the same moment into one batch
// (ADR 0041): each handler call adds its item and waits for its own result; whatever arrived while a
// batch was being applied forms the next one. With one handler in flight it is one event per batch,
// as before; under a backlog (seeding) it is up to `maxBatch` per transaction.

export type BatchOutcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

export function createEventBatcher<T, R>(
  apply: (items: T[]) => Promise<BatchOutcome<R>[]>,
  maxBatch: number,
): (item: T) => Promise<R> {
  const queue: { item: T; resolve: (value: R) => void; reject: (error: unknown) => void }[] = [];
  let scheduled = false;

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      let outcomes: BatchOutcome<R>[];
      try {
        outcomes = await apply(batch.map((entry) => entry.item));
      } catch (error) {
        outcomes = batch.map(() => ({ ok: false, error }));
      }
      batch.forEach((entry, index) => {
        const outcome = outcomes[index] ?? { ok: false, error: new Error('no outcome for a batched item') };
        if (outcome.ok) entry.resolve(outcome.value);
        else entry.reject(outcome.error);
      });
    }
    scheduled = false;
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        // After the current turn, so that handlers started together land in one batch.
        setImmediate(() => void drain());
      }
    });
}
