// Redelivery delay after a failed delivery. An explicit schedule wins; otherwise the delay doubles per
// attempt from one second, capped, so a failing dependency is not hammered by its own consumers.

const BASE_MS = 1_000;
const CAP_MS = 60_000;

/** Delay after the `deliveryCount`-th delivery failed (1-based). */
export function redeliveryDelayMs(deliveryCount: number, schedule: readonly number[] | undefined): number {
  if (schedule && schedule.length > 0) {
    // Past the end of the schedule the last step repeats, as JetStream's own BackOff list does.
    return schedule[Math.min(deliveryCount, schedule.length) - 1] ?? 0;
  }
  return Math.min(BASE_MS * 2 ** (deliveryCount - 1), CAP_MS);
}
