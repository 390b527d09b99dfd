// Small helpers for asynchronous assertions: poll for a condition instead of sleeping a fixed time.
import type { ConsumeOptions, Consumer, Delivery, MessageBus } from '../../src/port.ts';

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves once `condition` holds; rejects after `timeoutMs` so a broken adapter fails, not hangs. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** A consumer that records (and acks) everything it receives. */
export async function collect<D>(
  bus: MessageBus,
  options: ConsumeOptions,
): Promise<{ got: Delivery<D>[]; consumer: Consumer }> {
  const got: Delivery<D>[] = [];
  const consumer = await bus.consume<D>(options, (delivery) => {
    got.push(delivery);
  });
  return { got, consumer };
}
